// The /chat/ page: the real useChat from @ai-sdk/react against UiMessageServlet at /api/chat.
// The chat id and the finished turns live in sessionStorage, so a reload resumes the answer in progress
// (resume: true sends GET /api/chat/{id}/stream) instead of losing it.
import { useEffect, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { useChat } from '@ai-sdk/react';
import { DefaultChatTransport } from 'ai';

const API = '/api/chat';

function chatId() {
  let id = sessionStorage.getItem('synapsekit-chat-id');
  if (!id) {
    id = 'chat-' + crypto.randomUUID();
    sessionStorage.setItem('synapsekit-chat-id', id);
  }
  return id;
}

function storedMessages(id) {
  try {
    return JSON.parse(sessionStorage.getItem('synapsekit-chat:' + id) || '[]');
  } catch {
    return [];
  }
}

function Part({ part }) {
  switch (part.type) {
    case 'text':
      return <div className="text">{part.text}</div>;
    case 'reasoning':
      return <details className="reasoning"><summary>Thinking</summary>{part.text}</details>;
    case 'source-document':
      return <div className="source" data-source-id={part.sourceId}>Source: {part.title}</div>;
    case 'source-url':
      return <div className="source"><a href={part.url}>{part.title || part.url}</a></div>;
    case 'data-node':
      return <div className="step" data-node={part.data.node} data-status={part.data.status}>
        {part.data.status === 'finished' ? '✓' : '…'} {part.data.node}</div>;
    default:
      if (part.type.startsWith('tool-') || part.type === 'dynamic-tool') {
        return <div className="tool">Tool call: {part.toolName || part.type.slice(5)} ({part.state})</div>;
      }
      return null;
  }
}

function App() {
  const [id] = useState(chatId);
  const [input, setInput] = useState('');
  const { messages, sendMessage, status, stop, error } = useChat({
    id,
    messages: storedMessages(id),
    resume: true,
    transport: new DefaultChatTransport({ api: API }),
  });

  // Only whole turns are kept: a half-streamed assistant message would be continued, not replaced, on resume.
  useEffect(() => {
    if (status !== 'streaming') {
      const whole = messages.filter((m, i) => m.role === 'user' || status === 'ready' || i < messages.length - 1);
      sessionStorage.setItem('synapsekit-chat:' + id, JSON.stringify(whole));
    }
  }, [messages, status, id]);

  const send = e => {
    e.preventDefault();
    if (input.trim() === '') return;
    sendMessage({ text: input });
    setInput('');
  };
  // stop() only aborts this page's request, which a resumable answer outlives: the explicit stop cancels it.
  const stopAnswer = () => {
    fetch(`${API}/${encodeURIComponent(id)}/stop`, { method: 'POST' });
    stop();
  };
  const busy = status === 'submitted' || status === 'streaming';

  return (
    <main>
      <h1>SynapseKit chat <small>useChat over the UI message stream</small></h1>
      <div id="messages">
        {messages.map(m => (
          <article key={m.id} className={'message ' + m.role} data-role={m.role} data-id={m.id}>
            {m.parts.map((p, i) => <Part key={i} part={p} />)}
          </article>
        ))}
      </div>
      {error && <div id="error">{error.message}</div>}
      <form onSubmit={send}>
        <input id="input" value={input} onChange={e => setInput(e.target.value)} placeholder="Ask about RAG or SSE"
               disabled={busy} />
        <button id="send" type="submit" disabled={busy}>Send</button>
        <button id="stop" type="button" onClick={stopAnswer} disabled={!busy}>Stop</button>
      </form>
      <div id="status" data-status={status}>{status}</div>
    </main>
  );
}

createRoot(document.getElementById('root')).render(<App />);
