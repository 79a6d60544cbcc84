import { PROVIDERS } from "../../../src/providers/list.ts";
import { describeContractFor } from "../../contracts/provider-subject.ts";

// Every listed provider, against its fake: a new provider gets the suite with no edit here.
for (const provider of PROVIDERS) describeContractFor(provider.kind);
