/** The Deployment controller: ReplicaSets per pod template, rolling update and recreate, revisions, status. */
package io.karst.controllers.deployment;
