/**
 * Agents: {@link io.synapsekit.agent.Agent} runs the loop of a model calling {@link io.synapsekit.tool.Tool}s until
 * it answers, streaming every step as {@link io.synapsekit.agent.AgentEvent}s.
 */
@NullMarked
package io.synapsekit.agent;

import org.jspecify.annotations.NullMarked;
