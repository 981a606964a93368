package io.karst.controllers.podautoscaler;

/**
 * A normalized replica count and what the normalization said: the AbleToScale reason/message of stabilization
 * and the ScalingLimited status, reason and message of the limits.
 */
record ScalingDecision(int replicas, String ableReason, String ableMessage, boolean limited, String limitReason,
        String limitMessage) {
}
