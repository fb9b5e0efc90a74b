export {
  checkManagementLicense,
  countManagedUsers,
  DEFAULT_MANAGEMENT_LICENSE,
  type LicenseConfig,
  type LicensedGateway,
  licensedManagementUsers,
  MANAGEMENT_TOLERANCE,
  type ManagementLicenseState,
  managementLicense,
  managementLicenseInfo,
} from "./management.js";
