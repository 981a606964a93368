package io.karst.controller.runtime;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Karst controller runtime",
        description = "Leader election of the controller manager (kube-controller-manager's --leader-elect-* flags)")
@interface ControllerRuntimeConfig {
    @AttributeDefinition(description = "Name of the Lease in kube-system that the servers compete for")
    String lease_name() default "kube-controller-manager";

    @AttributeDefinition(description = "Seconds a leader's Lease is valid without renewal")
    int lease_duration_seconds() default 15;

    @AttributeDefinition(description = "Seconds a leader keeps trying to renew before it stops leading")
    int renew_deadline_seconds() default 10;

    @AttributeDefinition(description = "Seconds between attempts to acquire or renew the Lease")
    int retry_period_seconds() default 2;
}
