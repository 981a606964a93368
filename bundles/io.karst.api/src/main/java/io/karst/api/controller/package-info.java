/**
 * Controllers: reconcilers on the whiteboard that the controller runtime runs on the server that holds the
 * controller-manager lease, each with a keyed, rate-limited work queue fed by shared informers (client-go's
 * controller pattern), and an event recorder.
 */
@Export
@Version("1.1.0")
package io.karst.api.controller;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
