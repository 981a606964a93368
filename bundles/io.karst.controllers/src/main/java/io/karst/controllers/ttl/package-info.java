/** The TTL-after-finished controller: deletes finished Jobs once their {@code ttlSecondsAfterFinished} has passed. */
package io.karst.controllers.ttl;
