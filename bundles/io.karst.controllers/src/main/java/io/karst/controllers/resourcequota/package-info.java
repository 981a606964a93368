/**
 * ResourceQuota, as upstream splits it: the admission plugin that refuses creates over a namespace's quotas and
 * charges their usage, and the controller that recounts the usage from the objects.
 */
package io.karst.controllers.resourcequota;
