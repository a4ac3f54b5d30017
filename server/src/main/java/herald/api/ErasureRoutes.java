package herald.api;

import herald.usecase.ErasureUseCases;

/** {@code POST /api/v1/erasure}: a learner erased from everything Herald keeps (admin keys only). */
final class ErasureRoutes {
    private final ErasureUseCases erasure;

    ErasureRoutes(ErasureUseCases erasure) {
        this.erasure = erasure;
    }

    void register(ApiRoutes r) {
        r.post("/api/v1/erasure", Permission.ADMIN, ctx -> Responses.json(ctx, 200,
                ErasureUseCases.view(erasure.erase(Actors.of(ctx), Requests.jsonBody(ctx, 64 * 1024)))));
    }
}
