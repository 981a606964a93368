package io.karst.cri.containerd.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

@ObjectClassDefinition(name = "Karst containerd runtime",
        description = "The node's container runtime: containerd's CRI v1, supervised as a child process unless an "
                + "existing CRI socket is given; exists only when configured")
public @interface ContainerdConfig {

    @AttributeDefinition(description = "The node's data directory; the agent's files go below <data.dir>/agent/")
    String data_dir();

    @AttributeDefinition(required = false, description = "Path of an existing CRI socket to use instead of "
            + "starting containerd; then no child process is started and no configuration is written")
    String container_runtime_endpoint() default "";

    @AttributeDefinition(description = "The sandbox (pause) image; it must be present locally, e.g. imported "
            + "from an archive in image.dirs")
    String pause_image() default ContainerdLayout.DEFAULT_PAUSE_IMAGE;

    @AttributeDefinition(required = false, description = "Directories whose *.tar, *.tar.gz and *.tar.zst image "
            + "archives are imported at start and whenever one appears")
    String[] image_dirs() default {};

    @AttributeDefinition(required = false, description = "The private registry configuration (K3s's "
            + "registries.yaml: mirrors and configs), rendered for containerd at every start; a missing file means "
            + "none, an invalid one stops the runtime from starting")
    String registries_file() default RegistriesFile.DEFAULT_PATH;

    @AttributeDefinition(description = "Where the CNI plugin binaries are")
    String cni_bin_dir() default ContainerdLayout.DEFAULT_CNI_BIN_DIR;
}
