/**
 * Plumbing shared by SynapseKit's server-side modules. Not an API: exported only to {@code io.synapsekit.servlet},
 * and free to change in any release.
 */
package io.synapsekit.server.internal;
