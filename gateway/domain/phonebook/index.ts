export {
  CriteriaError,
  type Criterion,
  type Field,
  MAX_DEPTH,
  MAX_NODES,
  type Operation,
  parseCriteria,
} from "./criteria.js";
export { type ExternalContact, ExternalContacts, PhoneBook } from "./phonebook.js";
export { type SearchResultJson, SearchResultSchema } from "./schema.js";
