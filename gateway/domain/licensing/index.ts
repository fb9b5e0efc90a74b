export { announceLicenseExpiry, type ExpiryAnnouncer } from "./expiry-notice.js";
export { TEST_LICENSE_KEY, TEST_LICENSE_KEY_ID, trustedLicenseKeys } from "./keys.js";
export {
  canonicalJson,
  expiryInstant,
  LICENSE_FORMAT,
  LICENSE_NAMES,
  type LicenseBody,
  type LicenseCounts,
  LicenseFileError,
  type LicenseName,
  type SignedLicense,
  signLicense,
  type TrustedKey,
  verifyLicense,
} from "./license-file.js";
export {
  type ExpiryNotice,
  LICENSE_WIRE_NAMES,
  type LicenseFileState,
  type LicenseInfo,
  type LicenseSource,
  type LicenseStatusView,
  Licenses,
  loadLicenseFile,
  NO_FILE_QUOTAS,
  PER_USER_LICENSES,
  sdkDay,
} from "./licenses.js";
export {
  checkManagementLicense,
  countManagedUsers,
  type LicensedGateway,
  licensedManagementUsers,
  MANAGEMENT_TOLERANCE,
  type ManagementLicenseState,
  managementLicense,
} from "./management.js";
