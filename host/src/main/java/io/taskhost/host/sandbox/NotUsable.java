package io.taskhost.host.sandbox;

/** Why a kind of limits cannot be had on this machine; detection then tries the next kind. */
final class NotUsable extends Exception {

    NotUsable(String reason) {
        super(reason, null, false, false);
    }
}
