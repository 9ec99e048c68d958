package io.taskhost.host.classdata;

/**
 * How class-data sharing for worker JVMs stands.
 *
 * @param enabled  whether the host uses archives at all
 * @param ready    verified archives that launches use
 * @param building archives being built or waiting for the builder thread
 * @param unusable archives that failed to build or verify, which this host will not try again
 */
public record ClassDataStatus(boolean enabled, int ready, int building, int unusable) {
}
