// The image's HEALTHCHECK: Redriva answers /health on its own port (no login needed there).
const port = process.env.PORT ?? "6500";
try {
  const response = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(5_000) });
  process.exit(response.ok ? 0 : 1);
} catch {
  process.exit(1);
}
