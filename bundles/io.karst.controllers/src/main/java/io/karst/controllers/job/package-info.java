/** The Job controller: runs a Job's pods to completion, counts them through finalizers, and keeps its status. */
package io.karst.controllers.job;
