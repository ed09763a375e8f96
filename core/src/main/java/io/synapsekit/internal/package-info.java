/**
 * Machinery shared by SynapseKit modules: the HTTP streaming client every provider runs on, its watchdog,
 * error mapping and JSON helpers. Not API: exported only to SynapseKit's own modules.
 */
package io.synapsekit.internal;
