/** CustomResourceDefinitions made into served resources: their types, names, status and storage. */
package io.karst.apiserver.crd;
