/** The StatefulSet controller: ordinal pods, claims from templates, ordered or parallel management, rolling updates. */
package io.karst.controllers.statefulset;
