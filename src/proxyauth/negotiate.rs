//! Negotiate (SPNEGO/Kerberos) tokens for proxy authentication, from the system's GSSAPI
//! library (MIT Kerberos `libgssapi_krb5.so.2`, or Heimdal's `libgssapi.so.3`), loaded at
//! run time.
//!
//! Loading at run time keeps Kerberos out of the build (no headers, no bindgen) and lets
//! postie run where Kerberos is absent; Negotiate then fails with a message saying what to
//! install. Credentials are the ambient ones: the ticket cache (`KRB5CCNAME`, or the
//! default cache `kinit` fills), so a CI runner with a keytab and `kinit` needs no password.

use std::ffi::c_void;
use std::ptr;

use libloading::Library;

use crate::secret::Secret;

type OmUint32 = u32;

#[repr(C)]
struct GssOid {
    length: OmUint32,
    elements: *const c_void,
}

#[repr(C)]
struct GssOidSet {
    count: usize,
    elements: *const GssOid,
}

#[repr(C)]
struct GssBuffer {
    length: usize,
    value: *mut c_void,
}

type ImportName = unsafe extern "C" fn(*mut OmUint32, *mut GssBuffer, *const GssOid, *mut *mut c_void) -> OmUint32;
type InitSecContext = unsafe extern "C" fn(
    *mut OmUint32,
    *mut c_void,
    *mut *mut c_void,
    *mut c_void,
    *const GssOid,
    OmUint32,
    OmUint32,
    *mut c_void,
    *mut GssBuffer,
    *mut *const GssOid,
    *mut GssBuffer,
    *mut OmUint32,
    *mut OmUint32,
) -> OmUint32;
type ReleaseBuffer = unsafe extern "C" fn(*mut OmUint32, *mut GssBuffer) -> OmUint32;
type ReleaseName = unsafe extern "C" fn(*mut OmUint32, *mut *mut c_void) -> OmUint32;
type DeleteSecContext = unsafe extern "C" fn(*mut OmUint32, *mut *mut c_void, *mut GssBuffer) -> OmUint32;
type AcquireCredWithPassword = unsafe extern "C" fn(
    *mut OmUint32,
    *mut c_void,
    *mut GssBuffer,
    OmUint32,
    *mut c_void,
    i32,
    *mut *mut c_void,
    *mut *mut c_void,
    *mut OmUint32,
) -> OmUint32;
type ReleaseCred = unsafe extern "C" fn(*mut OmUint32, *mut *mut c_void) -> OmUint32;
type DisplayStatus =
    unsafe extern "C" fn(*mut OmUint32, OmUint32, i32, *const GssOid, *mut OmUint32, *mut GssBuffer) -> OmUint32;

/// GSS_C_NT_HOSTBASED_SERVICE, 1.2.840.113554.1.2.1.4: names like `HTTP@proxy.corp`.
const HOSTBASED_SERVICE: [u8; 10] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x01, 0x04];
/// GSS_C_NT_USER_NAME, 1.2.840.113554.1.2.1.1: `alice@CORP.EXAMPLE`.
const USER_NAME: [u8; 10] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x01, 0x01];
/// GSS_C_INITIATE: credentials to start contexts with.
const GSS_C_INITIATE: i32 = 1;
/// SPNEGO, 1.3.6.1.5.5.2: what HTTP Negotiate carries (RFC 4559).
const SPNEGO: [u8; 6] = [0x2b, 0x06, 0x01, 0x05, 0x05, 0x02];
const GSS_C_GSS_CODE: i32 = 1;
const GSS_C_MECH_CODE: i32 = 2;
const GSS_S_CONTINUE_NEEDED: OmUint32 = 1;

const LIBRARIES: [&str; 4] = ["libgssapi_krb5.so.2", "libgssapi_krb5.so", "libgssapi.so.3", "libgssapi_krb5.dylib"];

#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum NegotiateError {
    #[error(
        "Negotiate (Kerberos) needs the system's GSSAPI library (libgssapi_krb5.so.2), which is not installed; \
         install MIT Kerberos (Debian/Ubuntu: libgssapi-krb5-2, Fedora: krb5-libs)"
    )]
    NoLibrary,
    #[error(
        "no Kerberos credentials for {service}: {detail}; run kinit (or kinit -kt KEYTAB PRINCIPAL) or set \
         KRB5CCNAME to a ticket cache"
    )]
    NoCredentials { service: String, detail: String },
    #[error("Kerberos cannot make a token for {service}: {detail}")]
    Failed { service: String, detail: String },
}

/// The system's GSSAPI functions.
pub struct Gssapi {
    // Keeps the library mapped while the function pointers below are in use.
    _library: Library,
    import_name: ImportName,
    init_sec_context: InitSecContext,
    release_buffer: ReleaseBuffer,
    release_name: ReleaseName,
    delete_sec_context: DeleteSecContext,
    display_status: DisplayStatus,
    /// MIT's extension for a password instead of a ticket cache; absent from some builds.
    acquire_cred_with_password: Option<AcquireCredWithPassword>,
    release_cred: Option<ReleaseCred>,
}

impl Gssapi {
    /// Loads the first GSSAPI library found.
    pub fn load() -> Result<Gssapi, NegotiateError> {
        for name in LIBRARIES {
            // SAFETY: loading a system library runs its initialisers; the GSSAPI libraries
            // have no initialisers with preconditions on the caller.
            let Ok(library) = (unsafe { Library::new(name) }) else { continue };
            // SAFETY: the symbol types are the GSSAPI C bindings of RFC 2744, which both MIT
            // Kerberos and Heimdal export with these signatures.
            let loaded = unsafe {
                (|| -> Result<Gssapi, libloading::Error> {
                    Ok(Gssapi {
                        import_name: *library.get::<ImportName>(b"gss_import_name\0")?,
                        init_sec_context: *library.get::<InitSecContext>(b"gss_init_sec_context\0")?,
                        release_buffer: *library.get::<ReleaseBuffer>(b"gss_release_buffer\0")?,
                        release_name: *library.get::<ReleaseName>(b"gss_release_name\0")?,
                        delete_sec_context: *library.get::<DeleteSecContext>(b"gss_delete_sec_context\0")?,
                        display_status: *library.get::<DisplayStatus>(b"gss_display_status\0")?,
                        acquire_cred_with_password: library
                            .get::<AcquireCredWithPassword>(b"gss_acquire_cred_with_password\0")
                            .ok()
                            .map(|f| *f),
                        release_cred: library.get::<ReleaseCred>(b"gss_release_cred\0").ok().map(|f| *f),
                        _library: library,
                    })
                })()
            };
            if let Ok(gss) = loaded {
                return Ok(gss);
            }
        }
        Err(NegotiateError::NoLibrary)
    }

    /// The first Negotiate token for `HTTP@host` (the proxy's service principal), from the
    /// ambient Kerberos credentials, or, when there are none and `login` is given, from a
    /// ticket obtained with that principal and password. One leg: proxies accept the token
    /// and answer with the request's result, so no mutual authentication is asked for.
    pub fn initial_token(&self, host: &str, login: Option<(&str, &Secret)>) -> Result<Vec<u8>, NegotiateError> {
        match (self.token_with(host, None), login) {
            (Err(NegotiateError::NoCredentials { .. }), Some((principal, password))) => {
                let credential = self.password_credential(host, principal, password)?;
                let token = self.token_with(host, Some(credential));
                let mut minor: OmUint32 = 0;
                let mut credential = credential;
                if let Some(release) = self.release_cred {
                    // SAFETY: releasing the credential `password_credential` acquired, once.
                    unsafe { release(&mut minor, &mut credential) };
                }
                token
            }
            (result, _) => result,
        }
    }

    /// Credentials for `principal` from its password (MIT's gss_acquire_cred_with_password).
    fn password_credential(
        &self,
        host: &str,
        principal: &str,
        password: &Secret,
    ) -> Result<*mut c_void, NegotiateError> {
        let service = format!("HTTP@{host}");
        let Some(acquire) = self.acquire_cred_with_password else {
            return Err(NegotiateError::Failed {
                service,
                detail: "this GSSAPI library cannot log in with a password; run kinit first".into(),
            });
        };
        let mut minor: OmUint32 = 0;
        let mut name_buffer = GssBuffer { length: principal.len(), value: principal.as_ptr() as *mut c_void };
        let name_type = GssOid { length: USER_NAME.len() as u32, elements: USER_NAME.as_ptr().cast() };
        let mut name: *mut c_void = ptr::null_mut();
        // SAFETY: valid pointers for the call; GSSAPI copies the name.
        let major = unsafe { (self.import_name)(&mut minor, &mut name_buffer, &name_type, &mut name) };
        if major & 0xffff_0000 != 0 {
            return Err(NegotiateError::Failed { service, detail: self.describe(major, minor) });
        }
        let secret = password.expose();
        let mut password_buffer = GssBuffer { length: secret.len(), value: secret.as_ptr() as *mut c_void };
        let mut credential: *mut c_void = ptr::null_mut();
        // A credential for SPNEGO itself: one acquired for the default mechanisms leaves
        // SPNEGO "cannot find mechanisms to negotiate".
        let spnego = GssOid { length: SPNEGO.len() as u32, elements: SPNEGO.as_ptr().cast() };
        let mechs = GssOidSet { count: 1, elements: &spnego };
        // SAFETY: valid pointers (`mechs` and `spnego` outlive the call); null for the
        // outputs not wanted; the password buffer borrows `secret`, which outlives the call.
        let major = unsafe {
            acquire(
                &mut minor,
                name,
                &mut password_buffer,
                0,
                &mechs as *const GssOidSet as *mut c_void,
                GSS_C_INITIATE,
                &mut credential,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        let detail = (major & 0xffff_0000 != 0).then(|| self.describe(major, minor));
        let mut ignored: OmUint32 = 0;
        // SAFETY: releasing the name imported above, once.
        unsafe { (self.release_name)(&mut ignored, &mut name) };
        match detail {
            Some(detail) => Err(NegotiateError::Failed {
                service,
                detail: format!("cannot log in as {principal} with the given password: {detail}"),
            }),
            None => Ok(credential),
        }
    }

    fn token_with(&self, host: &str, credential: Option<*mut c_void>) -> Result<Vec<u8>, NegotiateError> {
        let service = format!("HTTP@{host}");
        let mut minor: OmUint32 = 0;
        let mut name_buffer = GssBuffer { length: service.len(), value: service.as_ptr() as *mut c_void };
        let name_type = GssOid { length: HOSTBASED_SERVICE.len() as u32, elements: HOSTBASED_SERVICE.as_ptr().cast() };
        let mut name: *mut c_void = ptr::null_mut();
        // SAFETY: every pointer is valid for the call; `name_buffer` borrows `service`,
        // which outlives it; GSSAPI copies the name.
        let major = unsafe { (self.import_name)(&mut minor, &mut name_buffer, &name_type, &mut name) };
        if major & 0xffff_0000 != 0 {
            return Err(NegotiateError::Failed { service, detail: self.describe(major, minor) });
        }
        let mech = GssOid { length: SPNEGO.len() as u32, elements: SPNEGO.as_ptr().cast() };
        let mut context: *mut c_void = ptr::null_mut();
        let mut output = GssBuffer { length: 0, value: ptr::null_mut() };
        let mut ret_flags: OmUint32 = 0;
        let mut time_rec: OmUint32 = 0;
        // SAFETY: as above; null pointers stand for GSS_C_NO_CREDENTIAL (the default
        // credentials), GSS_C_NO_CHANNEL_BINDINGS, GSS_C_NO_BUFFER and "actual mech not
        // wanted", all allowed by RFC 2744.
        let major = unsafe {
            (self.init_sec_context)(
                &mut minor,
                credential.unwrap_or(ptr::null_mut()),
                &mut context,
                name,
                &mech,
                0,
                0,
                ptr::null_mut(),
                ptr::null_mut(),
                ptr::null_mut(),
                &mut output,
                &mut ret_flags,
                &mut time_rec,
            )
        };
        let token = if output.value.is_null() || output.length == 0 {
            Vec::new()
        } else {
            // SAFETY: GSSAPI returned `length` bytes at `value`.
            unsafe { std::slice::from_raw_parts(output.value as *const u8, output.length) }.to_vec()
        };
        let detail = (major & 0xffff_0000 != 0).then(|| self.describe(major, minor));
        let mut ignored: OmUint32 = 0;
        // SAFETY: releasing what GSSAPI allocated, once each.
        unsafe {
            (self.release_buffer)(&mut ignored, &mut output);
            if !context.is_null() {
                (self.delete_sec_context)(&mut ignored, &mut context, ptr::null_mut());
            }
            (self.release_name)(&mut ignored, &mut name);
        }
        if let Some(detail) = detail {
            let lower = detail.to_ascii_lowercase();
            let no_credentials = ["credentials cache", "no credentials", "not found", "expired", "ccache"]
                .iter()
                .any(|m| lower.contains(m));
            return Err(if no_credentials {
                NegotiateError::NoCredentials { service, detail }
            } else {
                NegotiateError::Failed { service, detail }
            });
        }
        if token.is_empty() && major != GSS_S_CONTINUE_NEEDED {
            return Err(NegotiateError::Failed { service, detail: "GSSAPI returned no token".into() });
        }
        Ok(token)
    }

    /// The GSSAPI and mechanism messages of a status, joined.
    fn describe(&self, major: OmUint32, minor: OmUint32) -> String {
        let mut parts = Vec::new();
        for (code, kind) in [(major, GSS_C_GSS_CODE), (minor, GSS_C_MECH_CODE)] {
            if code == 0 {
                continue;
            }
            let mut context: OmUint32 = 0;
            // A message may come in several pieces; a few are enough.
            for _ in 0..4 {
                let mut minor_out: OmUint32 = 0;
                let mut text = GssBuffer { length: 0, value: ptr::null_mut() };
                // SAFETY: valid out-pointers; GSS_C_NO_OID for the mechanism.
                let status =
                    unsafe { (self.display_status)(&mut minor_out, code, kind, ptr::null(), &mut context, &mut text) };
                if status & 0xffff_0000 == 0 && !text.value.is_null() {
                    // SAFETY: GSSAPI returned `length` bytes at `value`.
                    let bytes = unsafe { std::slice::from_raw_parts(text.value as *const u8, text.length) };
                    parts.push(String::from_utf8_lossy(bytes).trim_end_matches('\0').to_string());
                }
                let mut ignored: OmUint32 = 0;
                // SAFETY: releasing the message buffer GSSAPI allocated.
                unsafe { (self.release_buffer)(&mut ignored, &mut text) };
                if context == 0 || status & 0xffff_0000 != 0 {
                    break;
                }
            }
        }
        if parts.is_empty() { format!("GSSAPI status {major:#x}/{minor}") } else { parts.join(": ") }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tokens from a real KDC are checked end to end in tests/proxy_squid_auth.rs (which
    // also covers "no ticket"); here, that each failure names its fix.
    #[test]
    fn every_failure_names_its_fix() {
        assert!(NegotiateError::NoLibrary.to_string().contains("libgssapi-krb5-2"));
        let none = NegotiateError::NoCredentials { service: "HTTP@proxy".into(), detail: "no cache".into() };
        assert!(none.to_string().contains("HTTP@proxy") && none.to_string().contains("kinit"));
        let failed = NegotiateError::Failed { service: "HTTP@proxy".into(), detail: "clock skew".into() };
        assert!(failed.to_string().contains("clock skew"));
    }

    #[test]
    fn the_library_loads_here_or_says_what_to_install() {
        match Gssapi::load() {
            Ok(gss) => {
                // A name GSSAPI cannot even import gives an error, not a panic or a token.
                let err = gss.initial_token("", None).expect_err("no service host");
                assert!(err.to_string().contains("HTTP@"), "{err}");
            }
            Err(e) => assert_eq!(e, NegotiateError::NoLibrary),
        }
    }
}
