// DCE/RPC connection-oriented PDUs (C706 ch. 12, MS-RPCE): over TCP (135,
// and any port whose first PDU is a Bind, as tshark's heuristic finds the
// endpoint mapper's dynamic ports) and over SMB/SMB2 named pipes. Binds name
// interfaces by UUID; the common Windows ones (EPM, SAMR, LSARPC, NETLOGON,
// SRVSVC, WKSSVC, DRSUAPI, SVCCTL, WINREG, ATSVC) are named with their
// operations, so Protocol and Info read as tshark's. Bound interfaces are
// remembered per connection or pipe and per context id, and request opnums
// per call id (bounded). The auth verifier goes to NTLMSSP/SPNEGO/Kerberos.
import type { Ctx, FieldNode } from './context';
import { openLayer } from './prologue';
import type { State } from './state';
import { declare, treeLine, HEX8, HEX16, HEX32 } from './fields';
import * as readers from './bytes';
import * as tables from './tables';
import { PduApp } from './pdu';
import { guidLe } from './ntstatus';
import { convKey, Bounded, perConversation } from './conv';
import { dissectSecurityBlob, OID_NTLMSSP, micKey } from './gssapi';
// bound once at load: a call through the module object costs a CommonJS getter per use (hot path)
const { TCP_PORT, TCP_HEURISTICS, SMB_PIPE, PIPE_CONTEXT, GSSAPI_OID } = tables;
const { u16, u32, u16le, u32le } = readers;

const PTYPES: Record<number, string> = {
  0: 'Request', 1: 'Ping', 2: 'Response', 3: 'Fault', 4: 'Working', 5: 'Nocall', 6: 'Reject', 7: 'Ack', 8: 'Cl_cancel', 9: 'Fack',
  10: 'Cancel_ack', 11: 'Bind', 12: 'Bind_ack', 13: 'Bind_nak', 14: 'Alter_context', 15: 'Alter_context_resp', 16: 'AUTH3',
  17: 'Shutdown', 18: 'Co_cancel', 19: 'Orphaned',
};
const ACK_RESULTS: Record<number, string> = { 0: 'Acceptance', 1: 'User rejection', 2: 'Provider rejection', 3: 'Negotiate ACK' };
const AUTH_TYPES: Record<number, string> = { 0: 'None', 9: 'SPNEGO', 10: 'NTLMSSP', 16: 'Kerberos', 68: 'Netlogon Secure Channel' };
const FAULTS: Record<number, string> = {
  0x00000005: 'nca_s_fault_access_denied', 0x000006d8: 'nca_s_fault_cant_perform', 0x000006f7: 'nca_s_fault_ndr',
  0x1c010002: 'nca_op_rng_error', 0x1c010003: 'nca_unk_if', 0x1c010006: 'nca_wrong_boot_time', 0x1c010009: 'nca_s_you_crashed',
  0x1c01000b: 'nca_proto_error', 0x1c010013: 'nca_out_args_too_big', 0x1c010014: 'nca_server_too_busy',
  0x1c010017: 'nca_unsupported_type', 0x1c000001: 'nca_s_fault_int_div_by_zero', 0x1c000002: 'nca_s_fault_addr_error',
  0x1c000011: 'nca_s_fault_remote_no_memory', 0x1c00001a: 'nca_s_fault_context_mismatch', 0x1c000012: 'nca_s_fault_invalid_tag',
};
const NDR = '8a885d04-1ceb-11c9-9fe8-08002b104860', NDR64 = '71710533-beba-4937-8319-b5dbef9ccc36';

interface Iface { name: string; proto: string; ops: readonly string[] }
const ops = (s: string): string[] => s.split(' ');
/** Interfaces by UUID: the name tshark gives in a Bind, its Protocol column, and its operations by opnum. */
const IFACES: Record<string, Iface> = {
  'e1af8308-5d1f-11c9-91a4-08002b14a0fa': { name: 'EPMv4', proto: 'EPM', ops: ops('Insert Delete Lookup Map LookupHandleFree InqObject MgmtDelete') },
  '12345778-1234-abcd-ef00-0123456789ac': { name: 'SAMR', proto: 'SAMR', ops: ops('Connect Close SetSecurity QuerySecurity Shutdown LookupDomain EnumDomains OpenDomain QueryDomainInfo SetDomainInfo CreateDomainGroup EnumDomainGroups CreateUser EnumDomainUsers CreateDomAlias EnumDomainAliases GetAliasMembership LookupNames LookupRids OpenGroup QueryGroupInfo SetGroupInfo AddGroupMember DeleteDomainGroup DeleteGroupMember QueryGroupMember SetMemberAttributesOfGroup OpenAlias QueryAliasInfo SetAliasInfo DeleteDomAlias AddAliasMember DeleteAliasMember GetMembersInAlias OpenUser DeleteUser QueryUserInfo SetUserInfo ChangePasswordUser GetGroupsForUser QueryDisplayInfo GetDisplayEnumerationIndex TestPrivateFunctionsDomain TestPrivateFunctionsUser GetUserPwInfo RemoveMemberFromForeignDomain QueryDomainInfo2 QueryUserInfo2 QueryDisplayInfo2 GetDisplayEnumerationIndex2 CreateUser2 QueryDisplayInfo3 AddMultipleMembersToAlias RemoveMultipleMembersFromAlias OemChangePasswordUser2 ChangePasswordUser2 GetDomPwInfo Connect2 SetUserInfo2 SetBootKeyInformation GetBootKeyInformation Connect3 Connect4 ChangePasswordUser3 Connect5 RidToSid SetDsrmPassword ValidatePassword') },
  '12345778-1234-abcd-ef00-0123456789ab': { name: 'LSARPC', proto: 'LSARPC', ops: ops('lsa_Close lsa_Delete lsa_EnumPrivs lsa_QuerySecurity lsa_SetSecObj lsa_ChangePassword lsa_OpenPolicy lsa_QueryInfoPolicy lsa_SetInfoPolicy lsa_ClearAuditLog lsa_CreateAccount lsa_EnumAccounts lsa_CreateTrustedDomain lsa_EnumTrustDom lsa_LookupNames lsa_LookupSids lsa_CreateSecret lsa_OpenAccount lsa_EnumPrivsAccount lsa_AddPrivilegesToAccount lsa_RemovePrivilegesFromAccount lsa_GetQuotasForAccount lsa_SetQuotasForAccount lsa_GetSystemAccessAccount lsa_SetSystemAccessAccount lsa_OpenTrustedDomain lsa_QueryTrustedDomainInfo lsa_SetInformationTrustedDomain lsa_OpenSecret lsa_SetSecret lsa_QuerySecret lsa_LookupPrivValue lsa_LookupPrivName lsa_LookupPrivDisplayName lsa_DeleteObject lsa_EnumAccountsWithUserRight lsa_EnumAccountRights lsa_AddAccountRights lsa_RemoveAccountRights lsa_QueryTrustedDomainInfoBySid lsa_SetTrustedDomainInfo lsa_DeleteTrustedDomain lsa_StorePrivateData lsa_RetrievePrivateData lsa_OpenPolicy2 lsa_GetUserName lsa_QueryInfoPolicy2 lsa_SetInfoPolicy2 lsa_QueryTrustedDomainInfoByName lsa_SetTrustedDomainInfoByName lsa_EnumTrustedDomainsEx lsa_CreateTrustedDomainEx lsa_CloseTrustedDomainEx lsa_QueryDomainInformationPolicy lsa_SetDomainInformationPolicy lsa_OpenTrustedDomainByName lsa_TestCall lsa_LookupSids2 lsa_LookupNames2 lsa_CreateTrustedDomainEx2') },
  '12345678-1234-abcd-ef00-01234567cffb': { name: 'RPC_NETLOGON', proto: 'RPC_NETLOGON', ops: ops('NetrLogonUasLogon NetrLogonUasLogoff NetrLogonSamLogon NetrLogonSamLogoff NetrServerReqChallenge NetrServerAuthenticate NetrServerPasswordSet NetrDatabaseDeltas NetrDatabaseSync NetrAccountDeltas NetrAccountSync NetrGetDCName NetrLogonControl NetrGetAnyDCName NetrLogonControl2 NetrServerAuthenticate2 NetrDatabaseSync2 NetrDatabaseRedo NetrLogonControl2Ex NetrEnumerateTrustedDomains DsrGetDcName NetrLogonDummyRoutine1 NetrLogonSetServiceBits NetrLogonGetTrustRid NetrLogonComputeServerDigest NetrLogonComputeClientDigest NetrServerAuthenticate3 DsrGetDcNameEx DsrGetSiteName NetrLogonGetDomainInfo NetrServerPasswordSet2 NetrServerPasswordGet NetrLogonSendToSam DsrAddressToSiteNamesW DsrGetDcNameEx2 NetrLogonGetTimeServiceParentDomain NetrEnumerateTrustedDomainsEx DsrAddressToSiteNamesExW DsrGetDcSiteCoverageW NetrLogonSamLogonEx DsrEnumerateDomainTrusts DsrDeregisterDnsHostRecords NetrServerTrustPasswordsGet DsrGetForestTrustInformation NetrGetForestTrustInformation NetrLogonSamLogonWithFlags NetrServerGetTrustInfo') },
  '4b324fc8-1670-01d3-1278-5a47bf6ee188': { name: 'SRVSVC', proto: 'SRVSVC', ops: ops('NetCharDevEnum NetCharDevGetInfo NetCharDevControl NetCharDevQEnum NetCharDevQGetInfo NetCharDevQSetInfo NetCharDevQPurge NetCharDevQPurgeSelf NetConnEnum NetFileEnum NetFileGetInfo NetFileClose NetSessEnum NetSessDel NetShareAdd NetShareEnumAll NetShareGetInfo NetShareSetInfo NetShareDel NetShareDelSticky NetShareCheck NetSrvGetInfo NetSrvSetInfo NetDiskEnum NetServerStatisticsGet NetTransportAdd NetTransportEnum NetTransportDel NetRemoteTOD NetSetServiceBits NetPathType NetPathCanonicalize NetPathCompare NetNameValidate NetNameCanonicalize NetNameCompare NetShareEnum NetShareDelStart NetShareDelCommit NetGetFileSecurity NetSetFileSecurity NetServerTransportAddEx NetServerSetServiceBitsEx NetDfsGetVersion') },
  '6bffd098-a112-3610-9833-46c3f87e345a': { name: 'WKSSVC', proto: 'WKSSVC', ops: ops('NetWkstaGetInfo NetWkstaSetInfo NetWkstaEnumUsers NetrWkstaUserGetInfo NetrWkstaUserSetInfo NetWkstaTransportEnum NetrWkstaTransportAdd NetrWkstaTransportDel NetrUseAdd NetrUseGetInfo NetrUseDel NetrUseEnum NetrMessageBufferSend NetrWorkstationStatisticsGet NetrLogonDomainNameAdd NetrLogonDomainNameDel NetrJoinDomain NetrUnjoinDomain NetrRenameMachineInDomain NetrValidateName NetrGetJoinInformation NetrGetJoinableOus NetrJoinDomain2 NetrUnjoinDomain2 NetrRenameMachineInDomain2 NetrValidateName2 NetrGetJoinableOus2 NetrAddAlternateComputerName NetrRemoveAlternateComputerName NetrSetPrimaryComputername NetrEnumerateComputerNames') },
  'e3514235-4b06-11d1-ab04-00c04fc2dcd2': { name: 'DRSUAPI', proto: 'DRSUAPI', ops: ops('DsBind DsUnbind DsReplicaSync DsGetNCChanges DsReplicaUpdateRefs DsReplicaAdd DsReplicaDel DsReplicaMod DsVerifyNames DsGetMemberships DsInterDomainMove DsGetNT4ChangeLog DsCrackNames DsWriteAccountSpn DsRemoveDSServer DsRemoveDSDomain DsGetDomainControllerInfo DsAddEntry DsExecuteKCC DsReplicaGetInfo DsAddSidHistory DsGetMemberships2 DsReplicaVerifyObjects DsGetObjectExistence DsQuerySitesByCost') },
  '367abb81-9844-35f1-ad32-98f038001003': { name: 'SVCCTL', proto: 'SVCCTL', ops: ops('CloseServiceHandle ControlService DeleteService LockServiceDatabase QueryServiceObjectSecurity SetServiceObjectSecurity QueryServiceStatus SetServiceStatus UnlockServiceDatabase NotifyBootConfigStatus SCSetServiceBitsW ChangeServiceConfigW CreateServiceW EnumDependentServicesW EnumServicesStatusW OpenSCManagerW OpenServiceW QueryServiceConfigW QueryServiceLockStatusW StartServiceW GetServiceDisplayNameW GetServiceKeyNameW SCSetServiceBitsA ChangeServiceConfigA CreateServiceA EnumDependentServicesA EnumServicesStatusA OpenSCManagerA OpenServiceA QueryServiceConfigA QueryServiceLockStatusA StartServiceA GetServiceDisplayNameA GetServiceKeyNameA GetCurrentGroupeStateW EnumServiceGroupW ChangeServiceConfig2A ChangeServiceConfig2W QueryServiceConfig2A QueryServiceConfig2W QueryServiceStatusEx EnumServicesStatusExA EnumServicesStatusExW SCSendTSMessage') },
  '338cd001-2244-31f1-aaaa-900038001003': { name: 'WINREG', proto: 'WINREG', ops: ops('OpenHKCR OpenHKCU OpenHKLM OpenHKPD OpenHKU CloseKey CreateKey DeleteKey DeleteValue EnumKey EnumValue FlushKey GetKeySecurity LoadKey NotifyChangeKeyValue OpenKey QueryInfoKey QueryValue ReplaceKey RestoreKey SaveKey SetKeySecurity SetValue UnLoadKey InitiateSystemShutdown AbortSystemShutdown GetVersion OpenHKCC OpenHKDD QueryMultipleValues InitiateSystemShutdownEx SaveKeyEx OpenHKPT OpenHKPN QueryMultipleValues2 DeleteKeyEx') },
  '1ff70682-0a51-30e8-076d-740be8cee98b': { name: 'ATSVC', proto: 'ATSVC', ops: ops('JobAdd JobDel JobEnum JobGetInfo') },
};

declare('dcerpc', 'Distributed Computing Environment / Remote Procedure Call (DCE/RPC)', [
  ['dcerpc.ver', 'uint', 'Version'],
  ['dcerpc.ver_minor', 'uint', 'Version (minor)'],
  ['dcerpc.pkt_type', 'uint', 'Packet type', { valueNames: PTYPES }],
  ['dcerpc.cn_flags', 'uint', 'Packet Flags', HEX8],
  ['dcerpc.cn_flags.first_frag', 'bool', 'First Frag'],
  ['dcerpc.cn_flags.last_frag', 'bool', 'Last Frag'],
  ['dcerpc.cn_flags.object', 'bool', 'Object'],
  ['dcerpc.drep', 'bytes', 'Data Representation'],
  ['dcerpc.drep.byteorder', 'uint', 'Byte order', { valueNames: { 0: 'Big-endian', 1: 'Little-endian' } }],
  ['dcerpc.cn_frag_len', 'uint', 'Frag Length'],
  ['dcerpc.cn_auth_len', 'uint', 'Auth Length'],
  ['dcerpc.cn_call_id', 'uint', 'Call ID'],
  ['dcerpc.cn_max_xmit', 'uint', 'Max Xmit Frag'],
  ['dcerpc.cn_max_recv', 'uint', 'Max Recv Frag'],
  ['dcerpc.cn_assoc_group', 'uint', 'Assoc Group', HEX32],
  ['dcerpc.cn_num_ctx_items', 'uint', 'Num Ctx Items'],
  ['dcerpc.cn_ctx_id', 'uint', 'Context ID'],
  ['dcerpc.cn_num_trans_items', 'uint', 'Num Trans Items'],
  ['dcerpc.cn_bind_to_uuid', 'string', 'Interface UUID'],
  ['dcerpc.cn_bind_if_ver', 'uint', 'Interface Ver'],
  ['dcerpc.cn_bind_if_ver_minor', 'uint', 'Interface Ver Minor'],
  ['dcerpc.cn_bind_trans_id', 'string', 'ID'],
  ['dcerpc.cn_bind_trans_ver', 'uint', 'ver'],
  ['dcerpc.cn_sec_addr_len', 'uint', 'Scndry Addr len'],
  ['dcerpc.cn_sec_addr', 'string', 'Scndry Addr'],
  ['dcerpc.cn_num_results', 'uint', 'Num results'],
  ['dcerpc.cn_ack_result', 'uint', 'Ack result', { valueNames: ACK_RESULTS }],
  ['dcerpc.cn_ack_reason', 'uint', 'Ack reason'],
  ['dcerpc.cn_ack_trans_id', 'string', 'Transfer Syntax'],
  ['dcerpc.cn_ack_trans_ver', 'uint', 'Syntax ver'],
  ['dcerpc.cn_alloc_hint', 'uint', 'Alloc hint'],
  ['dcerpc.cn_cancel_count', 'uint', 'Cancel count'],
  ['dcerpc.cn_status', 'uint', 'Status', { ...HEX32, valueNames: FAULTS }],
  ['dcerpc.opnum', 'uint', 'Opnum'],
  ['dcerpc.obj_id', 'string', 'Object UUID'],
  ['dcerpc.auth_type', 'uint', 'Auth type', { valueNames: AUTH_TYPES }],
  ['dcerpc.auth_level', 'uint', 'Auth level'],
  ['dcerpc.auth_pad_len', 'uint', 'Auth pad len'],
  ['dcerpc.auth_rsrvd', 'uint', 'Auth Rsrvd'],
  ['dcerpc.auth_ctx_id', 'uint', 'Auth Context ID'],
  ['dcerpc.stub_data', 'bytes', 'Stub data'],
  ['dcerpc.cn_rts_flags', 'uint', 'RTS Flags', HEX16],
  ['dcerpc.request_in', 'framenum', 'Request in frame'],
  ['dcerpc.time', 'reltime', 'Time from request'],
]);

/** packet-dcerpc.c's fragment_type() */
const FRAG_LINE = ['Middle', 'First', 'Last', 'Single'];

// packet-dcerpc.c appends the type, fragment, length and call id to the
// protocol item, a request's or response's context id, and the request's
// frame to a response whose request it saw.
treeLine('dcerpc', (v) => {
  const type = v.field('dcerpc.pkt_type')?.value, flags = v.field('dcerpc.cn_flags')?.value;
  if (typeof type !== 'number' || typeof flags !== 'number') return v.title;
  let line = `${v.title} ${PTYPES[type] ?? `Unknown (0x${type.toString(16).padStart(2, '0')})`}, Fragment: ${FRAG_LINE[flags & 3]}`;
  if (v.has('dcerpc.cn_frag_len')) line += `, FragLen: ${v.text('dcerpc.cn_frag_len')}`;
  if (v.has('dcerpc.cn_call_id')) line += `, Call: ${v.text('dcerpc.cn_call_id')}`;
  if ((type === 0 || type === 2) && v.has('dcerpc.cn_ctx_id')) line += `, Ctx: ${v.text('dcerpc.cn_ctx_id')}`;
  if (v.has('dcerpc.request_in')) line += `, [Req: #${v.text('dcerpc.request_in')}]`;
  return line;
}, ['dcerpc.pkt_type', 'dcerpc.cn_flags', 'dcerpc.cn_frag_len', 'dcerpc.cn_call_id', 'dcerpc.cn_ctx_id', 'dcerpc.request_in']);

/** What one connection (or pipe) bound, and which opnum each outstanding call asked for. */
interface Call { opnum: number; frame: number; ts: bigint | null }
interface Conv { ctx: Bounded<number, Iface & { uuid: string; ver: number; minor: number }>; calls: Bounded<number, Call> }
const conv = perConversation<Conv>(() => ({ ctx: new Bounded(64), calls: new Bounded(1024) }));

const FRAG = ['Mid', 'First', 'Last', 'Single'];

/** One connection-oriented PDU at [off, end) (end may stop short of its frag length in a cut capture). */
export function dissectDcerpc(ctx: Ctx, st: State, off: number, end: number, key = convKey(ctx)): void {
  const d = ctx.d;
  const l = openLayer(ctx, 'dcerpc', 'DCERPC', off, end, 16, 'DCE/RPC');
  if (!l) { ctx.info = 'Malformed DCE/RPC'; return; }
  const le = (d[off + 4] & 0x10) !== 0;
  const r16 = le ? u16le : u16, r32 = le ? u32le : u32;
  const type = d[off + 2], flags = d[off + 3];
  const fragLen = r16(d, off + 8), authLen = r16(d, off + 10), callId = r32(d, off + 12);
  ctx.add(l, 'dcerpc.ver', d[off], off, 1);
  ctx.add(l, 'dcerpc.ver_minor', d[off + 1], off + 1, 1);
  ctx.add(l, 'dcerpc.pkt_type', type, off + 2, 1);
  const fl = ctx.add(l, 'dcerpc.cn_flags', flags, off + 3, 1);
  ctx.sub(fl, 'dcerpc.cn_flags.first_frag', (flags & 1) !== 0, off + 3, 1);
  ctx.sub(fl, 'dcerpc.cn_flags.last_frag', (flags & 2) !== 0, off + 3, 1);
  ctx.sub(fl, 'dcerpc.cn_flags.object', (flags & 0x80) !== 0, off + 3, 1);
  const dr = ctx.add(l, 'dcerpc.drep', d.subarray(off + 4, off + 8), off + 4, 4);
  ctx.sub(dr, 'dcerpc.drep.byteorder', le ? 1 : 0, off + 4, 1);
  ctx.add(l, 'dcerpc.cn_frag_len', fragLen, off + 8, 2);
  ctx.add(l, 'dcerpc.cn_auth_len', authLen, off + 10, 2);
  ctx.add(l, 'dcerpc.cn_call_id', callId, off + 12, 4);
  const pduEnd = Math.min(end, off + fragLen);
  if (fragLen < 16 || off + fragLen > end) ctx.malformedAt('dcerpc', `frag length ${fragLen} does not fit the ${end - off} bytes there`, off + 8, 2);
  // the auth verifier: 8-byte header, then auth_len bytes, at the PDU's end
  const authAt = authLen > 0 && fragLen >= 16 + 8 + authLen ? off + fragLen - authLen - 8 : -1;
  const bodyEnd = authAt >= 0 ? Math.min(pduEnd, authAt) : pduEnd;
  const c = conv(st, key);
  const frag = FRAG[flags & 3];
  const b = off + 16;
  let info = `${PTYPES[type] ?? `Unknown (${type})`}: call_id: ${callId}, Fragment: ${frag}`;
  let authType = -1;
  if (authAt >= 0 && authAt + 8 <= end) authType = d[authAt];
  switch (type) {
    case 11: case 14: info += bind(ctx, l, c, d, b, bodyEnd, r16, r32); break;
    case 12: case 15: info += bindAck(ctx, l, d, b, bodyEnd, r16, r32); break;
    case 0: case 2: case 3: {
      if (b + 8 > bodyEnd) { ctx.malformedAt('dcerpc', 'request/response header cut short', b, bodyEnd - b); break; }
      ctx.add(l, 'dcerpc.cn_alloc_hint', r32(d, b), b, 4);
      const ctxId = r16(d, b + 4);
      ctx.add(l, 'dcerpc.cn_ctx_id', ctxId, b + 4, 2);
      let opnum: number | undefined;
      let call: Call | undefined;
      let stub = b + 8;
      if (type === 0) {
        opnum = r16(d, b + 6);
        ctx.add(l, 'dcerpc.opnum', opnum, b + 6, 2);
        if (flags & 0x80 && b + 24 <= bodyEnd) { ctx.add(l, 'dcerpc.obj_id', guidLe(d, b + 8), b + 8, 16); stub += 16; }
        c.calls.set(callId, { opnum, frame: ctx.pkt.number, ts: ctx.pkt.tsNs });
      } else {
        ctx.add(l, 'dcerpc.cn_cancel_count', d[b + 6], b + 6, 1);
        call = c.calls.get(callId);
        opnum = call?.opnum;
        if (call !== undefined) {
          ctx.gen(l, 'dcerpc.opnum', call.opnum);
          ctx.gen(l, 'dcerpc.request_in', call.frame);
          if (call.ts !== null && ctx.pkt.tsNs !== null) ctx.reltime(l, 'dcerpc.time', ctx.pkt.tsNs - call.ts);
        }
      }
      if (type === 3) {
        const status = b + 12 <= bodyEnd ? r32(d, b + 8) : 0;
        if (b + 12 <= bodyEnd) ctx.add(l, 'dcerpc.cn_status', status, b + 8, 4);
        info = `Fault: call_id: ${callId}, Fragment: ${frag}, Ctx: ${ctxId}, status: ${FAULTS[status] ?? `Unknown (0x${status.toString(16).padStart(8, '0')})`}`;
        break;
      }
      const iface = c.ctx.get(ctxId);
      // An interface tshark knows gets its stub decoded by that interface's
      // dissector: no stub data item, and (packet-dcerpc.c, dcerpc_try_handoff)
      // the request's frame once more in the interface's subtree.
      if (iface === undefined) {
        if (stub < bodyEnd && ctx.wants('dcerpc.stub_data')) ctx.add(l, 'dcerpc.stub_data', d.subarray(stub, bodyEnd), stub, bodyEnd - stub);
      } else if (type === 2 && call !== undefined) ctx.gen(l, 'dcerpc.request_in', call.frame);
      const name = iface && opnum !== undefined ? iface.ops[opnum] : undefined;
      if (iface && name !== undefined) {
        ctx.protocol = iface.proto;
        info = `${name} ${type === 0 ? 'request' : 'response'}`;
      } else info += `, opnum: ${opnum ?? '?'}, Ctx: ${ctxId}`;
      break;
    }
  }
  if (authAt >= 0 && authAt + 8 <= pduEnd) {
    ctx.add(l, 'dcerpc.auth_type', d[authAt], authAt, 1);
    ctx.add(l, 'dcerpc.auth_level', d[authAt + 1], authAt + 1, 1);
    ctx.add(l, 'dcerpc.auth_pad_len', d[authAt + 2], authAt + 2, 1);
    ctx.add(l, 'dcerpc.auth_rsrvd', d[authAt + 3], authAt + 3, 1);
    ctx.add(l, 'dcerpc.auth_ctx_id', r32(d, authAt + 4), authAt + 4, 4);
    const s = authAt + 8, e = Math.min(pduEnd, s + authLen);
    // a bind/alter/AUTH3 carries the security context tokens; other PDUs a signature (verifier)
    const tokenPdu = type === 11 || type === 12 || type === 14 || type === 15 || type === 16;
    if (authType === 9) { if (tokenPdu) dissectSecurityBlob(ctx, st, s, e); }
    else if (authType === 10) GSSAPI_OID.get(tokenPdu ? OID_NTLMSSP : micKey(OID_NTLMSSP))?.(ctx, st, s, e);
    else if (authType === 16 && tokenPdu) dissectSecurityBlob(ctx, st, s, e);
  }
  ctx.info = info;
}

type R16 = (d: Uint8Array, o: number) => number;

function bind(ctx: Ctx, l: FieldNode, c: Conv, d: Uint8Array, b: number, e: number, r16: R16, r32: R16): string {
  if (b + 12 > e) { ctx.malformedAt('dcerpc', 'Bind cut short', b, e - b); return ''; }
  ctx.add(l, 'dcerpc.cn_max_xmit', r16(d, b), b, 2);
  ctx.add(l, 'dcerpc.cn_max_recv', r16(d, b + 2), b + 2, 2);
  ctx.add(l, 'dcerpc.cn_assoc_group', r32(d, b + 4), b + 4, 4);
  const n = d[b + 8];
  ctx.add(l, 'dcerpc.cn_num_ctx_items', n, b + 8, 1);
  const names: string[] = [];
  let p = b + 12;
  for (let i = 0; i < n; i++) {
    if (p + 24 > e) { ctx.malformedAt('dcerpc', 'context item cut short', p, e - p); break; }
    const id = r16(d, p), nt = d[p + 2];
    ctx.add(l, 'dcerpc.cn_ctx_id', id, p, 2);
    ctx.add(l, 'dcerpc.cn_num_trans_items', nt, p + 2, 1);
    const uuid = guidLe(d, p + 4);
    const ver = r16(d, p + 20), minor = r16(d, p + 22);
    ctx.add(l, 'dcerpc.cn_bind_to_uuid', uuid, p + 4, 16);
    ctx.add(l, 'dcerpc.cn_bind_if_ver', ver, p + 20, 2);
    ctx.add(l, 'dcerpc.cn_bind_if_ver_minor', minor, p + 22, 2);
    p += 24;
    const known = IFACES[uuid];
    let syntax = '';
    for (let k = 0; k < nt; k++, p += 20) {
      if (p + 20 > e) { ctx.malformedAt('dcerpc', 'transfer syntax cut short', p, e - p); break; }
      const ts = guidLe(d, p);
      ctx.add(l, 'dcerpc.cn_bind_trans_id', ts, p, 16);
      ctx.add(l, 'dcerpc.cn_bind_trans_ver', r32(d, p + 16), p + 16, 4);
      if (k === 0) syntax = ts === NDR ? '32bit NDR' : ts === NDR64 ? '64bit NDR' : ts.startsWith('6cb71c2c-9812-4540') ? 'Bind Time Feature Negotiation' : 'unknown';
    }
    if (known) c.ctx.set(id, { ...known, uuid, ver, minor });
    names.push(`${known?.name ?? uuid} V${ver}.${minor} (${syntax})`);
  }
  return `, ${n} context items: ${names.join(', ')}`;
}

function bindAck(ctx: Ctx, l: FieldNode, d: Uint8Array, b: number, e: number, r16: R16, r32: R16): string {
  if (b + 10 > e) { ctx.malformedAt('dcerpc', 'Bind_ack cut short', b, e - b); return ''; }
  const xmit = r16(d, b), recv = r16(d, b + 2);
  ctx.add(l, 'dcerpc.cn_max_xmit', xmit, b, 2);
  ctx.add(l, 'dcerpc.cn_max_recv', recv, b + 2, 2);
  ctx.add(l, 'dcerpc.cn_assoc_group', r32(d, b + 4), b + 4, 4);
  const al = r16(d, b + 8);
  ctx.add(l, 'dcerpc.cn_sec_addr_len', al, b + 8, 2);
  let p = b + 10;
  if (al > 0 && p + al <= e) {
    let z = p + al;
    while (z > p && d[z - 1] === 0) z--;
    ctx.add(l, 'dcerpc.cn_sec_addr', String.fromCharCode(...d.subarray(p, z)), p, al);
  }
  p += al;
  p += (4 - ((p - (b - 16)) & 3)) & 3; // the result list is 4-aligned from the PDU start
  if (p + 4 > e) return `, max_xmit: ${xmit} max_recv: ${recv}`;
  const n = d[p];
  ctx.add(l, 'dcerpc.cn_num_results', n, p, 1);
  p += 4;
  const results: string[] = [];
  for (let i = 0; i < n && p + 24 <= e; i++, p += 24) {
    const res = r16(d, p);
    ctx.add(l, 'dcerpc.cn_ack_result', res, p, 2);
    if (res !== 0) ctx.add(l, 'dcerpc.cn_ack_reason', r16(d, p + 2), p + 2, 2);
    ctx.add(l, 'dcerpc.cn_ack_trans_id', guidLe(d, p + 4), p + 4, 16);
    ctx.add(l, 'dcerpc.cn_ack_trans_ver', r32(d, p + 20), p + 20, 4);
    results.push(ACK_RESULTS[res] ?? `Unknown (${res})`);
  }
  return `, max_xmit: ${xmit} max_recv: ${recv}, ${n} results: ${results.join(', ')}`;
}

/** C706 12.6.3: version 5, minor 0 or 1, a known PDU type, and a frag length past the header. */
const rule = {
  hdrLen: 16,
  length: (h: Uint8Array, o: number): number => {
    if (h[o] !== 5 || h[o + 1] > 1 || h[o + 2] > 19) return -1;
    return (h[o + 4] & 0x10) !== 0 ? u16le(h, o + 8) : u16(h, o + 8);
  },
};

function tcpPdu(ctx: Ctx, st: State, _s: unknown, off: number, kept: number): void {
  dissectDcerpc(ctx, st, off, off + kept);
}
function unknown(ctx: Ctx, off: number, end: number): void {
  ctx.layer('dcerpc', off, end - off);
  ctx.setSummary('DCERPC', 'Continuation');
}
/** tshark's heuristic: a connection whose first bytes are a DCE/RPC Bind or Bind_ack (any port: EPM hands out dynamic ones). */
function looksLikeBind(d: Uint8Array, off: number, end: number): boolean {
  // each direction is judged on its own first bytes: the client's Bind, the server's Bind_ack
  const t = d[off + 2];
  if (end - off < 16 || d[off] !== 5 || d[off + 1] > 1 || (t !== 11 && t !== 12 && t !== 14 && t !== 15)) return false;
  const len = (d[off + 4] & 0x10) !== 0 ? u16le(d, off + 8) : u16(d, off + 8);
  return len >= 16 + 10 && (d[off + 3] & 3) === 3;
}

const app = (): PduApp => new PduApp(rule, tcpPdu, unknown);
/**
 * packet-dcerpc.c dissect_dcerpc_cn: a 16-byte common header of version 5.0
 * or 5.1 and a packet type up to RTS (20); else not DCE/RPC, and the other
 * port is tried.
 */
const cnAccepts = (d: Uint8Array, off: number, end: number): boolean => end - off >= 16 && d[off] === 5 && d[off + 1] <= 1 && d[off + 2] <= 20;
TCP_PORT.add([135], app, { accepts: cnAccepts });
TCP_HEURISTICS.add(looksLikeBind, app);
SMB_PIPE.add(5, (ctx, st, off, end) => dissectDcerpc(ctx, st, off, end, PIPE_CONTEXT.key));
