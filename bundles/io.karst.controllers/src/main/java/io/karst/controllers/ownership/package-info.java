/** Controller references: which owner controls an object, and the reference a controller puts on what it makes. */
package io.karst.controllers.ownership;
