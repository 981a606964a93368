/** The Endpoints controller: an Endpoints object per Service with a selector, listing the pods it selects. */
package io.karst.controllers.endpoints;
