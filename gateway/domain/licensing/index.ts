export {
  checkManagementLicense,
  countManagedUsers,
  DEFAULT_MANAGEMENT_LICENSE,
  type LicenseConfig,
  licensedManagementUsers,
  MANAGEMENT_TOLERANCE,
  type ManagementLicenseState,
  managementLicense,
  managementLicenseInfo,
} from "./management.js";
