/** Matching objects against a metav1 LabelSelector, as controllers select their pods. */
package io.karst.controllers.selection;
