/** Helpers for the JSON trees the controllers read and write. */
package io.karst.controllers.objects;
