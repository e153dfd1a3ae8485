import { serveIndexing } from "./recall-indexing.js";

/** A thread recall starts to index files alongside it (see recall-indexing.ts): its whole script. */
void serveIndexing();
