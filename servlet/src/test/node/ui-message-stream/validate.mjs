// Drives a UiMessageServlet with the ai package's own client pieces and validates every chunk on the wire.
//
// Usage: node validate.mjs '<plan JSON>'
//   plan: {"scenarios": [{"name", "api", "chatId", "text", "stopAfter"?: n, "stopUrl"?}], "resume": [{"name", "api", "chatId"}]}
// Prints one JSON object: per scenario the chunk types received, the chunks that failed uiMessageChunkSchema, the
// message that readUIMessageStream assembled, and errors; per resume whether the transport found a stream.
import { DefaultChatTransport, readUIMessageStream, uiMessageChunkSchema } from 'ai';
import { safeValidateTypes } from '@ai-sdk/provider-utils';

const plan = JSON.parse(process.argv[2]);
const result = { scenarios: {}, resume: {} };

/** Splits an SSE body into the data of its events (the WHATWG rules this server's output needs). */
function sseData(text) {
  const out = [];
  for (const block of text.split(/\r\n\r\n|\n\n|\r\r/)) {
    const data = [];
    for (const line of block.split(/\r\n|\n|\r/)) {
      if (line.startsWith('data:')) data.push(line.slice(line.startsWith('data: ') ? 6 : 5));
    }
    if (data.length) out.push(data.join('\n'));
  }
  return out;
}

/** A fetch that hands the transport the body and keeps a copy of the raw wire to validate chunk by chunk. */
function recordingFetch(record) {
  return async (url, init) => {
    const response = await fetch(url, init);
    record.status = response.status;
    record.header = response.headers.get('x-vercel-ai-ui-message-stream');
    if (!response.body) return response;
    const [mine, theirs] = response.body.tee();
    record.raw = new Response(mine).text();
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

async function validateWire(record) {
  const invalid = [];
  const types = [];
  let done = 0;
  for (const data of sseData(await record.raw)) {
    if (data === '[DONE]') { done++; continue; }
    let value;
    try { value = JSON.parse(data); } catch (e) { invalid.push({ data, error: 'not JSON' }); continue; }
    const checked = await safeValidateTypes({ value, schema: uiMessageChunkSchema });
    if (!checked.success) invalid.push({ data, error: String(checked.error.message).slice(0, 500) });
    types.push(value.type);
  }
  return { invalid, types, done };
}

for (const s of plan.scenarios) {
  const record = {};
  const errors = [];
  const transport = new DefaultChatTransport({ api: s.api, fetch: recordingFetch(record) });
  let message;
  try {
    const stream = await transport.sendMessages({
      chatId: s.chatId,
      trigger: 'submit-message',
      messageId: undefined,
      messages: [{ id: 'u1', role: 'user', parts: [{ type: 'text', text: s.text }] }],
      abortSignal: undefined,
    });
    let seen = 0;
    const counted = stream.pipeThrough(new TransformStream({
      async transform(chunk, controller) {
        controller.enqueue(chunk);
        if (s.stopAfter && ++seen === s.stopAfter) {
          const stop = await fetch(s.stopUrl, { method: 'POST' });
          record.stopStatus = stop.status;
        }
      },
    }));
    for await (const m of readUIMessageStream({ stream: counted, onError: e => errors.push(String(e.message)) })) {
      message = m;
    }
  } catch (e) {
    errors.push('client failed: ' + String(e && e.message));
  }
  const wire = record.raw ? await validateWire(record) : { invalid: [], types: [], done: 0 };
  result.scenarios[s.name] = {
    status: record.status, header: record.header, stopStatus: record.stopStatus,
    types: wire.types, invalid: wire.invalid, done: wire.done, errors,
    message: message ? { id: message.id, parts: message.parts } : null,
  };
}

for (const r of plan.resume || []) {
  const transport = new DefaultChatTransport({ api: r.api });
  try {
    const stream = await transport.reconnectToStream({ chatId: r.chatId });
    result.resume[r.name] = stream === null ? 'none' : 'stream';
    if (stream) await stream.cancel();
  } catch (e) {
    result.resume[r.name] = 'failed: ' + String(e && e.message);
  }
}

process.stdout.write(JSON.stringify(result));
