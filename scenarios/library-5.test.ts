/** Shard 5 of the scenario library (library.ts). */
import { libraryShard } from "./library.js";

libraryShard(4);
