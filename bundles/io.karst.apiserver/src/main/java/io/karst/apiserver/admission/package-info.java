/** Built-in admission steps of the write path: defaulting, validation and allocations the server owns. */
package io.karst.apiserver.admission;
