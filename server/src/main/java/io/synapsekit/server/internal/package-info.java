/**
 * Plumbing shared by SynapseKit's server-side modules. Not an API: exported only to {@code io.synapsekit.servlet},
 * and free to change in any release.
 */
@NullMarked
package io.synapsekit.server.internal;

import org.jspecify.annotations.NullMarked;
