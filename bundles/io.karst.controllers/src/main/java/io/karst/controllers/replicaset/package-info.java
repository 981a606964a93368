/** The ReplicaSet controller: keeps as many active pods as a ReplicaSet asks for, and its status. */
package io.karst.controllers.replicaset;
