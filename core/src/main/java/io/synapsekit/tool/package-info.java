/**
 * Tools a model may call: {@link io.synapsekit.tool.Tool} declares one from a record of parameters and a function,
 * derives its JSON Schema and binds the model's arguments; {@link io.synapsekit.tool.ToolResult} is what a call
 * sends back.
 */
@NullMarked
package io.synapsekit.tool;

import org.jspecify.annotations.NullMarked;
