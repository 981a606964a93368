/** The controllers that give every namespace its {@code default} ServiceAccount and its {@code kube-root-ca.crt}. */
package io.karst.controllers.serviceaccount;
