/** Image garbage collection by the image filesystem's usage, as upstream's kubelet image GC manager. */
package io.karst.kubelet.image;
