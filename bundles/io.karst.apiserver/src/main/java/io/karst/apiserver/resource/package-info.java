/** What the API server serves: resource types of each group-version and their registry. */
package io.karst.apiserver.resource;
