/** Request bodies of the Telephony service, as JSON schemas (fastify validates them: a wrong type is a 400). */
const str = { type: "string", maxLength: 64 } as const;

export interface MakeCallBody {
  deviceId?: string;
  callee: string;
  autoAnswer?: boolean;
  inhibitProgressTone?: boolean;
  hexaBinaryAssociatedData?: string;
  callingNumber?: string;
}
export const makeCall = {
  body: {
    type: "object",
    required: ["callee"],
    properties: {
      deviceId: str,
      callee: str,
      autoAnswer: { type: "boolean" },
      inhibitProgressTone: { type: "boolean" },
      hexaBinaryAssociatedData: { type: "string", maxLength: 64 },
      callingNumber: str,
      businessCode: str,
      pin: str,
      secretCode: str,
    },
  },
};

export interface DeviceBody {
  deviceId: string;
}
export const deviceBody = {
  body: { type: "object", required: ["deviceId"], properties: { deviceId: str } },
};
export const optionalDeviceBody = {
  body: { type: ["object", "null"], properties: { deviceId: str } },
};

export interface HeldCallBody {
  heldCallRef: string;
}
export const heldCallBody = {
  body: { type: "object", required: ["heldCallRef"], properties: { heldCallRef: str } },
};

export interface ReconnectBody {
  deviceId?: string;
  enquiryCallRef: string;
}
export const reconnectBody = {
  body: { type: "object", required: ["enquiryCallRef"], properties: { deviceId: str, enquiryCallRef: str } },
};

export interface RedirectBody {
  redirectTo: string;
  anonymous?: boolean;
}
export const redirectBody = {
  body: {
    type: "object",
    required: ["redirectTo"],
    properties: { redirectTo: str, anonymous: { type: "boolean" } },
  },
};

export interface BlindTransferBody {
  transferTo: string;
  anonymous?: boolean;
}
export const blindTransferBody = {
  body: {
    type: "object",
    required: ["transferTo"],
    properties: { transferTo: str, anonymous: { type: "boolean" } },
  },
};

export interface DtmfBody {
  deviceId?: string;
  number: string;
}
export const dtmfBody = {
  body: {
    type: "object",
    required: ["number"],
    properties: { deviceId: str, number: { type: "string", maxLength: 64 } },
  },
};
