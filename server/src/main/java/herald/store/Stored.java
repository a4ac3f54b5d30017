package herald.store;

/** A document a {@link DocumentTable} keeps: its id and when it was created and last changed (epoch ms). */
public interface Stored {
    String id();

    long createdAt();

    long updatedAt();
}
