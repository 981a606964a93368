/**
 * Server-side apply and field ownership as upstream's structured-merge-diff and field manager: field sets in the
 * {@code FieldsV1} form, per-manager {@code metadata.managedFields}, merging an applied configuration into the live
 * object by the schema's list types and keys, pruning what an applier stopped applying, and conflicts.
 */
package io.karst.apiserver.apply;
