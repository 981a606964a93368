/** The resource API's verbs over HTTP: routing, CRUD, subresources and watch streams. */
package io.karst.apiserver.endpoint;
