/** The in-process {@code ResourceClient}: the resource API's verbs without HTTP or JSON, and shared informers. */
package io.karst.apiserver.client;
