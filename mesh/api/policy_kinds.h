// The security, extension and telemetry kinds, for the store's ConfigObject.
#pragma once

#include "mesh/api/authorization_policy.h"
#include "mesh/api/peer_authentication.h"
#include "mesh/api/request_authentication.h"
#include "mesh/api/telemetry.h"
#include "mesh/api/wasm_plugin.h"
