// Loaded before every test file (bunfig.toml): tests must not pick up a developer's .env
// secrets or log noise. Each test builds its own config from explicit values.
process.env.LOG_LEVEL ??= "silent";
