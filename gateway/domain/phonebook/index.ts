export { CriteriaError, type Criterion, type Field, type Operation, parseCriteria } from "./criteria.js";
export { type ExternalContact, ExternalContacts, PhoneBook } from "./phonebook.js";
