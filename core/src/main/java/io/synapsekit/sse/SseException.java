package io.synapsekit.sse;
// TEMPORARY STUB
public class SseException extends RuntimeException { public SseException(String m) { super(m); } }
