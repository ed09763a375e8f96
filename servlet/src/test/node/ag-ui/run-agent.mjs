// Runs one AG-UI run with the real HttpAgent against the URL in argv[2] and prints, as one JSON line:
// every event the agent received, the schema problems found (each event parsed with @ag-ui/core's zod
// EventSchema), the agent's state and messages afterwards, and the state rebuilt independently by applying
// every STATE_DELTA to the STATE_SNAPSHOT with fast-json-patch (validating each operation).
import { HttpAgent } from "@ag-ui/client";
import { EventSchema } from "@ag-ui/core/schemas";
import jsonPatch from "fast-json-patch";

const url = process.argv[2];
const agent = new HttpAgent({
  url,
  threadId: "thread-42",
  initialState: { topic: "weather" },
  initialMessages: [{ id: "u1", role: "user", content: "What's the weather in Oslo? ✓" }],
  headers: { "X-Tenant": "acme" },
});

const events = [];
const schemaProblems = [];
agent.subscribe({
  onEvent({ event }) {
    events.push(event);
    const parsed = EventSchema.safeParse(event);
    if (!parsed.success) {
      schemaProblems.push({ type: event.type, issues: parsed.error.issues });
    }
  },
});

let runError = null;
try {
  await agent.runAgent({ runId: "run-7" });
} catch (e) {
  runError = String(e && e.stack ? e.stack : e);
}

let patched = null;
let patchError = null;
try {
  for (const e of events) {
    if (e.type === "STATE_SNAPSHOT") {
      patched = structuredClone(e.snapshot);
    } else if (e.type === "STATE_DELTA") {
      patched = jsonPatch.applyPatch(patched, structuredClone(e.delta), true, false).newDocument;
    }
  }
} catch (e) {
  patchError = String(e);
}

process.stdout.write(JSON.stringify({ events, schemaProblems, runError, patchError, patched,
  state: agent.state, messages: agent.messages }) + "\n");
