// The security, extension and telemetry kinds, for the store's ConfigObject.
#pragma once

#include "mesh/authorization_policy.h"
#include "mesh/peer_authentication.h"
#include "mesh/request_authentication.h"
#include "mesh/telemetry.h"
#include "mesh/wasm_plugin.h"
