package io.taskhost.worker;

import java.io.IOException;

/** Turns what an operation returned into the JSON text of its report, through databind only when it must. */
final class ResultEncoder {

    private final NaturalJson natural;
    private final LazyDatabind databind;

    ResultEncoder(NaturalJson natural, LazyDatabind databind) {
        this.natural = natural;
        this.databind = databind;
    }

    /** @return the JSON text, or {@code null} for a null result */
    String encode(Object result) throws IOException {
        if (result == null) {
            return null;
        }
        return NaturalJson.isNatural(result) ? natural.write(result) : databind.write(result);
    }
}
