/**
 * PersistentVolumes and their claims: the binder, the pv- and pvc-protection controllers, and the admission steps
 * that give new claims the default StorageClass and both kinds their protection finalizers.
 */
package io.karst.controllers.persistentvolume;
