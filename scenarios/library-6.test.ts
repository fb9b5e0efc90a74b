/** Shard 6 of the scenario library (library.ts). */
import { libraryShard } from "./library.js";

libraryShard(5);
