#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CDrydockSystem

/// Reads a store on a local filesystem. Every open goes through `openat2(RESOLVE_BENEATH)` relative to the store's
/// `v2` folder, so a symlink or a hostile name can never make us read or delete outside the store; symlinks that stay
/// inside are followed. With `followSymlinks`, links that leave the store are followed too (stores spread over disks).
public final class FilesystemDriver: StorageDriver, @unchecked Sendable {
    // @unchecked: the only state is an immutable descriptor, used with thread-safe *at() syscalls.
    public let location: String
    public let followSymlinks: Bool
    private let rootFD: Int32
    private let hasOpenat2: Bool
    /// The store sits on a network filesystem (NFS, SMB, FUSE, cluster filesystems): see `networkFilesystemTypes`.
    public let readsCrossANetwork: Bool

    /// `v2Directory` is the `docker/registry/v2` folder itself.
    public init(v2Directory: String, displayLocation: String? = nil, followSymlinks: Bool = false) throws {
        // The C path would end at a NUL and name another folder.
        guard !v2Directory.utf8.contains(0) else { throw DriverError.io(.root, "the store's path contains a NUL character") }
        let fd = open(v2Directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw FilesystemDriver.mapErrno(errno, .root) }
        self.rootFD = fd
        self.location = displayLocation ?? v2Directory
        self.followSymlinks = followSymlinks
        // Probe once: kernels before 5.6 or seccomp filters may lack openat2.
        let probe = drydock_open_beneath(fd, ".", O_RDONLY | O_DIRECTORY, 0)
        if probe >= 0 { close(probe) }
        self.hasOpenat2 = probe >= 0 || errno != ENOSYS
        self.readsCrossANetwork = Self.networkFilesystemTypes.contains(Int64(drydock_filesystem_type(fd)))
    }

    /// `statfs` type numbers of filesystems where a folder's link count is 2 (itself and `.`) plus one per sub-folder
    /// (each one's `..`): ext2/3/4 (up to 65 000 sub-folders, then 1), XFS, tmpfs. Not btrfs (always 1), not overlayfs
    /// (1 for merged folders), not network filesystems (the server's figure).
    package static let subfolderCountingTypes: Set<Int64> = [0xEF53, 0x5846_5342, 0x0102_1994]

    /// `statfs` type numbers of filesystems whose reads cross a network (linux/magic.h and the filesystems' own
    /// sources): NFS, SMB, CIFS, SMB2, FUSE (sshfs, s3fs and other mounts; a local FUSE filesystem only pays for a
    /// cache it did not need), Ceph, 9P, AFS (two), Coda, GFS2, OCFS2, Lustre, GPFS, BeeGFS.
    static let networkFilesystemTypes: Set<Int64> = [
        0x6969, 0x517B, 0xFF53_4D42, 0xFE53_4D42, 0x6573_5546, 0x00C3_6400, 0x0102_1997, 0x5346_414F, 0x6B41_4653,
        0x7375_7245, 0x0116_1970, 0x7461_636F, 0x0BD0_0BD0, 0x4750_4653, 0x1983_0326,
    ]

    deinit { close(rootFD) }

    // MARK: opening

    private func openBeneath(_ path: StoragePath, _ flags: Int32) throws -> Int32 {
        var fd: Int32
        repeat {
            if followSymlinks {
                fd = Self.withRelativePath(path.components) { Self.keepingErrno(openat(rootFD, $0, flags | O_CLOEXEC)) }
            } else if hasOpenat2 {
                fd = Self.withRelativePath(path.components) { Self.keepingErrno(drydock_open_beneath(rootFD, $0, flags, 0)) }
            } else {
                fd = openNoFollow(path, flags)
            }
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else { throw FilesystemDriver.mapErrno(errno, path) }
        return fd
    }

    /// A folder that a change (write, move, delete) happens in, opened beneath the root without following any
    /// symlink, not even one inside the store, unless links are followed: a link planted at, say,
    /// `drydock/quarantine/<id>/sha256/<hex>` must not turn the removal of a quarantined blob into the removal of
    /// a live one. Nothing Drydock plans to change lies behind a symlink (it never lists what a link leads to).
    private func openFolderForChange(_ path: StoragePath) throws -> Int32 {
        guard !followSymlinks else { return try openBeneath(path, O_RDONLY | O_DIRECTORY) }
        var fd: Int32
        repeat {
            if hasOpenat2 {
                fd = Self.withRelativePath(path.components) { Self.keepingErrno(drydock_open_beneath(rootFD, $0, O_RDONLY | O_DIRECTORY, 1)) }
            } else {
                fd = openNoFollow(path, O_RDONLY | O_DIRECTORY)
            }
        } while fd < 0 && errno == EINTR
        guard fd >= 0 else {
            let e = errno
            guard e == ELOOP || e == EXDEV else { throw FilesystemDriver.mapErrno(e, path) }
            // Which link: one that leaves the root (or dangles) is reported as any open reports it, one inside as
            // a folder not followed.
            let inside = try openBeneath(path, O_RDONLY | O_DIRECTORY)
            close(inside)
            throw DriverError.symlink(path, .folderNotFollowed)
        }
        return fd
    }

    /// A system call's result with its `errno` carried out of a temporary buffer's scope: a long path's buffer is on
    /// the heap, and freeing it may change `errno` (glibc before 2.33) before the caller looks.
    struct KeptErrno<T> {
        let value: T
        let errno: Int32
    }

    static func keepingErrno<T>(_ value: T) -> KeptErrno<T> { KeptErrno(value: value, errno: Glibc.errno) }

    /// `withRelativePath` for a system call: its result, with `errno` as the call left it.
    static func withRelativePath<T>(_ components: [String], _ body: (UnsafePointer<CChar>) -> KeptErrno<T>) -> T {
        let kept: KeptErrno<T> = withRelativePath(components, body)
        Glibc.errno = kept.errno
        return kept.value
    }

    /// `components` joined by `/` (`.` for none) as a C string in a temporary buffer, for the length of `body`: a
    /// joined `String` per open was a heap allocation per file read. A component that is not one safe path element
    /// (`StoragePath.isSafeComponent`: a `/` or NUL in it would name another file) makes the path empty, which no
    /// open or stat finds (ENOENT).
    static func withRelativePath<T>(_ components: [String], _ body: (UnsafePointer<CChar>) -> T) -> T {
        guard !components.isEmpty else { return body(".") }
        var length = components.count - 1
        for c in components { length += c.utf8.count }
        // Each component checked and copied in one pass over its bytes (a path per file opened or stat'ed).
        return withCPath(length: length, { path in
            var at = 0
            for (i, component) in components.enumerated() {
                if i > 0 {
                    path[at] = UInt8(ascii: "/")
                    at += 1
                }
                var c = component
                let copied = c.withUTF8 { bytes -> Int? in
                    guard StoragePath.isSafeComponent(bytes), let from = bytes.baseAddress else { return nil }
                    (path + at).initialize(from: from, count: bytes.count)
                    return bytes.count
                }
                guard let copied else { return false }
                at += copied
            }
            precondition(at == length, "path length")
            return true
        }, body)
    }

    /// `folder`, `/` and `name` as a C string in a temporary buffer, for the length of `body` (a `link` stat'ed per
    /// folder listed).
    static func withEntryPath<T>(_ folder: UnsafeBufferPointer<UInt8>, _ name: String, _ body: (UnsafePointer<CChar>) -> T) -> T {
        var name = name
        return name.withUTF8 { entry in
            withCPath(length: folder.count + 1 + entry.count, { path in
                if let from = folder.baseAddress { path.initialize(from: from, count: folder.count) }
                path[folder.count] = UInt8(ascii: "/")
                if let from = entry.baseAddress { (path + folder.count + 1).initialize(from: from, count: entry.count) }
                return true
            }, body)
        }
    }

    /// `length` bytes written by `fill` into a temporary buffer, NUL-terminated and handed to `body` as a C string;
    /// `fill` returning false (an unsafe component) hands `body` the empty path instead.
    private static func withCPath<T>(
        length: Int, _ fill: (UnsafeMutablePointer<UInt8>) -> Bool, _ body: (UnsafePointer<CChar>) -> T
    ) -> T {
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: length + 1) { buffer -> T in
            let base = buffer.baseAddress!  // capacity is at least 1
            guard fill(base) else { return body("") }
            base[length] = 0
            return UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: length + 1) { body($0) }
        }
    }

    /// Fallback without openat2: walk one component at a time and refuse every symlink.
    private func openNoFollow(_ path: StoragePath, _ flags: Int32) -> Int32 {
        var dir = dup(rootFD)
        guard dir >= 0 else { return -1 }
        for (i, c) in path.components.enumerated() {
            let last = i == path.components.count - 1
            let f = last ? (flags | O_NOFOLLOW | O_CLOEXEC) : (O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            let next = openat(dir, c, f)
            let saved = errno
            close(dir)
            guard next >= 0 else {
                // `close` may have changed errno. A link refused here (ELOOP) may well stay inside the root.
                errno = saved
                return -1
            }
            dir = next
        }
        return dir
    }

    static func mapErrno(_ e: Int32, _ path: StoragePath) -> DriverError {
        switch e {
        case ENOENT: .notFound(path)
        case ENOTDIR: .notADirectory(path)
        case EACCES, EPERM: .permissionDenied(path)
        // openat2 says EXDEV for a path that would leave the root (RESOLVE_BENEATH); ELOOP for a loop of links, a
        // link where none may be followed, or (without openat2) any link the no-follow walk meets.
        case EXDEV: .symlink(path, .leavesRoot)
        case ELOOP: .symlink(path, .notFollowable)
        case EINTR, EAGAIN, EMFILE, ENFILE, ENOMEM: .transient(path, String(cString: strerror(e)))
        case EROFS: .readOnly(path)
        default: .io(path, String(cString: strerror(e)))
        }
    }

    private static func kind(ofMode mode: mode_t) -> EntryKind {
        switch mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFIFO: .special("FIFO")
        case S_IFCHR: .special("character device")
        case S_IFBLK: .special("block device")
        case S_IFSOCK: .special("socket")
        case S_IFLNK: .symlink(.leavesRoot)
        default: .special("unknown file type")
        }
    }

    // MARK: StorageDriver

    public func list(_ path: StoragePath) async throws -> [DirectoryEntry] {
        try listSync(path)
    }

    func listSync(_ path: StoragePath) throws -> [DirectoryEntry] {
        let fd = try openBeneath(path, O_RDONLY | O_DIRECTORY)
        defer { close(fd) }
        return try readEntries(fd, path)
    }

    /// Folders under one folder (`dir` + each relative path of `names`), opened relative to it as `readEach` opens
    /// files: a tag history's walk is `<tag>/index/<alg>`, not the eleven components from the store root. Whatever
    /// does not open that way is listed again from the root, so results, errors and symlink rules are `list`'s.
    public func listEach(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DirectoryEntry], DriverError>] {
        eachBeneath(dir, names, flags: O_RDONLY | O_DIRECTORY, fromRoot: listSync) { fd, path in
            defer { close(fd) }
            return try readEntries(fd, path())
        }
    }

    public func listEachDigestFolders(in dir: StoragePath, _ names: [[String]]) async -> [Result<[DigestFolderName], DriverError>] {
        eachBeneath(dir, names, flags: O_RDONLY | O_DIRECTORY, fromRoot: { try listSync($0).map(DigestFolderName.init) }) { fd, path in
            defer { close(fd) }
            return try readDigestFolderNames(fd, path())
        }
    }

    /// Each of `names` opened relative to `dir` (itself opened beneath the root) and handed, open, to `opened`, which
    /// closes it; whatever does not open that way goes to `fromRoot` with its whole path, as do all names when
    /// openat2 is missing or links are followed. `opened` gets the path as a function: most files never need it
    /// (it names errors), and building it was an allocation per file.
    private func eachBeneath<T>(
        _ dir: StoragePath, _ names: [[String]], flags: Int32,
        fromRoot: (StoragePath) throws -> T, opened: (Int32, () -> StoragePath) throws -> T
    ) -> [Result<T, DriverError>] {
        func viaRoot(_ path: StoragePath) -> Result<T, DriverError> { Result { try fromRoot(path) }.mapError { DriverError($0) } }
        guard hasOpenat2, !followSymlinks, let dirFD = try? openBeneath(dir, O_RDONLY | O_DIRECTORY) else {
            return names.map { viaRoot(dir.appending($0)) }
        }
        defer { close(dirFD) }
        return names.map { name in
            var fd: Int32
            repeat {
                fd = Self.withRelativePath(name) { Self.keepingErrno(drydock_open_beneath(dirFD, $0, flags, 0)) }
            } while fd < 0 && errno == EINTR
            guard fd >= 0 else { return viaRoot(dir.appending(name)) }
            return Result { try opened(fd, { dir.appending(name) }) }.mapError { DriverError($0) }
        }
    }

    /// Each `dir` + `names[i]` + `sub` opened relative to `dir` without following any symlink; the folder it sits in
    /// is taken to hold no other sub-folder when that folder's link count is 3 (on `subfolderCountingTypes`: itself,
    /// `.`, and `sub`'s `..`), read with `fstatat(sub, "..")`, so it is the very folder `sub` was opened in. Then `sub`'s
    /// listing is the whole answer: an open, an `fstatat`, two getdents and a close, where listing the folder first
    /// cost an open, two getdents and a close more (40 000 tags on the benchmark store). Anything else (no such
    /// folder, a symlink on the way, another link count, any error) is nil: the caller lists the folder as before.
    public func listEachSoleSubfolder(in dir: StoragePath, _ names: [[String]], named sub: String) async -> [[DigestFolderName]?] {
        guard hasOpenat2, !followSymlinks, StoragePath.isSafeComponent(sub),
            let dirFD = try? openBeneath(dir, O_RDONLY | O_DIRECTORY)
        else { return names.map { _ in nil } }
        defer { close(dirFD) }
        // The folder's own filesystem (a mount inside the store may be another), and no open crosses into a third.
        guard Self.subfolderCountingTypes.contains(Int64(drydock_filesystem_type(dirFD))) else { return names.map { _ in nil } }
        return names.map { name -> [DigestFolderName]? in
            var fd: Int32
            repeat {
                fd = Self.withRelativePath(name + [sub]) {
                    Self.keepingErrno(drydock_open_beneath(dirFD, $0, O_RDONLY | O_DIRECTORY, 1 | Int32(DRYDOCK_RESOLVE_SAME_MOUNT)))
                }
            } while fd < 0 && errno == EINTR
            guard fd >= 0 else { return nil }
            defer { close(fd) }
            var st = Glibc.stat()
            guard fstatat(fd, "..", &st, AT_SYMLINK_NOFOLLOW) == 0, st.st_mode & S_IFMT == S_IFDIR, st.st_nlink == 3 else { return nil }
            return try? readDigestFolderNames(fd, dir.appending(name + [sub]))
        }
    }

    /// One listing of `dir`, then one `fstatat` per folder (relative to the open folder, the last component not
    /// followed): no folder is opened, where listing each would cost an open, two getdents and a close.
    public func listFolders(_ dir: StoragePath, withEntry name: String) async throws -> [(folder: DirectoryEntry, entry: EntryKind?)] {
        try foldersWithEntry(dir, name) { fd, path in try readEntries(fd, path()) }
    }

    /// `listFolders` with each folder named by a sha256 digest given as that digest (`readDigestFolderNames`).
    public func listDigestFolders(_ dir: StoragePath, withEntry name: String) async throws -> [(folder: DigestFolderName, entry: EntryKind?)] {
        try foldersWithEntry(dir, name) { fd, path in try readDigestFolderNames(fd, path()) }
    }

    /// One listing of `dir`, then one `fstatat` of `<folder>/<name>` per folder (relative to the open folder, the
    /// last component not followed): no folder is opened, where listing each would cost an open, two getdents and a
    /// close.
    private func foldersWithEntry<Folder: ListedFolder>(
        _ dir: StoragePath, _ name: String, list: (Int32, () -> StoragePath) throws -> [Folder]
    ) throws -> [(folder: Folder, entry: EntryKind?)] {
        let dirFD = try openBeneath(dir, O_RDONLY | O_DIRECTORY)
        let found: [(folder: Folder, entry: EntryKind?, symlink: Bool)]
        do {
            defer { close(dirFD) }
            found = try list(dirFD, { dir }).map { f in
                // Only real folders (a followed link is typed `.directory` only with followSymlinks, which follows it
                // here too), named by one component.
                let kind = f.withEntryPath(name) { path -> EntryKind? in
                    var st = Glibc.stat()
                    guard fstatat(dirFD, path, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return nil }
                    return FilesystemDriver.kind(ofMode: st.st_mode)
                } ?? nil
                guard let kind else { return (f, nil, false) }
                if case .symlink = kind { return (f, kind, true) }
                return (f, kind, false)
            }
        }
        // A symlinked entry is typed by the rules of every open (inside the store: its target's kind): rare, so listed.
        return try found.map { f in
            guard f.symlink else { return (f.folder, f.entry) }
            return (f.folder, try listSync(dir.appending(f.folder.listedEntry.name)).first { $0.name == name }?.kind)
        }
    }

    /// The entries of the folder open as `fd` (left open).
    private func readEntries(_ fd: Int32, _ path: @autoclosure () -> StoragePath) throws -> [DirectoryEntry] {
        var entries: [DirectoryEntry] = []
        try forEachRawEntry(fd, path) { raw, dtype in
            if let e = entry(raw, dtype, dirFD: fd, path()) { entries.append(e) }
        }
        return entries
    }

    /// `readEntries`, with each folder named by 64 lowercase hex digits given as that sha256 digest: no name text is
    /// built or validated for the hundreds of thousands of digest folders a store holds.
    private func readDigestFolderNames(_ fd: Int32, _ path: @autoclosure () -> StoragePath) throws -> [DigestFolderName] {
        var names: [DigestFolderName] = []
        try forEachRawEntry(fd, path) { raw, dtype in
            if dtype == Int32(DRYDOCK_DT_DIR), raw.count == 64, let d = Digest.sha256(hex: raw) {
                names.append(.sha256(d))
            } else if let e = entry(raw, dtype, dirFD: fd, path()) {
                names.append(.entry(e))
            }
        }
        return names
    }

    /// Each raw name and d_type of the folder open as `fd` (left open), read with getdents64 itself: glibc's
    /// `fdopendir` adds an `fstat` and two `fcntl` to every folder's open, two getdents and close, and most store
    /// folders hold one entry.
    private func forEachRawEntry(
        _ fd: Int32, _ path: () -> StoragePath, _ each: (UnsafeBufferPointer<UInt8>, Int32) -> Void
    ) throws {
        let capacity = 32768
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: capacity, alignment: 8)
        defer { buffer.deallocate() }
        while true {
            let n = drydock_read_directory(fd, buffer, UInt(capacity))
            if n < 0 {
                if errno == EINTR { continue }
                if errno == ENOSYS { return try forEachRawEntryWithReaddir(fd, path, each) }
                // A folder removed after it was opened: glibc's readdir ends there too, with what it has.
                if errno == ENOENT { return }
                throw FilesystemDriver.mapErrno(errno, path())
            }
            if n == 0 { return }
            var offset = 0
            while offset + 19 < n {
                let record = buffer + offset
                let length = Int(record.loadUnaligned(fromByteOffset: 16, as: UInt16.self))
                guard length > 19, offset + length <= n else { throw DriverError.io(path(), "malformed directory entry") }
                let nameStart = (record + 19).assumingMemoryBound(to: UInt8.self)
                let nameLength = strnlen(UnsafeRawPointer(nameStart).assumingMemoryBound(to: CChar.self), length - 19)
                let dtype = Int32(record.load(fromByteOffset: 18, as: UInt8.self))
                offset += length
                each(UnsafeBufferPointer(start: nameStart, count: nameLength), dtype)
            }
        }
    }

    /// Where getdents64 is missing: readdir on a close-on-exec duplicate of `fd` (closedir closes the duplicate).
    private func forEachRawEntryWithReaddir(
        _ fd: Int32, _ path: () -> StoragePath, _ each: (UnsafeBufferPointer<UInt8>, Int32) -> Void
    ) throws {
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        guard copy >= 0 else { throw FilesystemDriver.mapErrno(errno, path()) }
        guard let dir = fdopendir(copy) else {
            let e = errno
            close(copy)
            throw FilesystemDriver.mapErrno(e, path())
        }
        defer { closedir(dir) }
        while true {
            errno = 0
            guard let ent = readdir(dir) else {
                if errno != 0 { throw FilesystemDriver.mapErrno(errno, path()) }
                return
            }
            withUnsafePointer(to: &ent.pointee.d_name) { p in
                p.withMemoryRebound(to: UInt8.self, capacity: 256) { bytes in
                    let len = strlen(UnsafeRawPointer(bytes).assumingMemoryBound(to: CChar.self))
                    each(UnsafeBufferPointer(start: bytes, count: len), Int32(ent.pointee.d_type))
                }
            }
        }
    }

    /// One directory entry from its raw name and d_type; nil for `.` and `..`.
    private func entry(
        _ raw: UnsafeBufferPointer<UInt8>, _ dtype: Int32, dirFD: Int32, _ path: @autoclosure () -> StoragePath
    ) -> DirectoryEntry? {
        if raw.elementsEqual([0x2E]) || raw.elementsEqual([0x2E, 0x2E]) { return nil }
        let strict = String(validating: raw, as: UTF8.self)
        let name = strict ?? String(decoding: raw, as: UTF8.self)
        let valid = strict != nil
        var kind: EntryKind
        var identity: String?
        switch dtype {
        case Int32(DRYDOCK_DT_REG): kind = .file
        case Int32(DRYDOCK_DT_DIR): kind = .directory
        default:
            if valid {
                (kind, identity) = resolveKind(dirFD: dirFD, parent: path(), name: name)
            } else {
                kind = .special("unreadable name")
            }
        }
        return DirectoryEntry(name: name, kind: kind, nameIsValidUTF8: valid, linkedFolderIdentity: identity)
    }

    /// For entries readdir could not type (symlinks, DT_UNKNOWN filesystems, specials). A symlinked folder comes back
    /// with its target's identity (device and inode) when links are followed, so walkers can stop at a loop.
    private func resolveKind(dirFD: Int32, parent: StoragePath, name: String) -> (EntryKind, String?) {
        var st = Glibc.stat()
        guard fstatat(dirFD, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else { return (.special("vanished"), nil) }
        let own = FilesystemDriver.kind(ofMode: st.st_mode)
        guard case .symlink = own else { return (own, nil) }
        // Resolve the link under the same rules as every other open.
        guard StoragePath.isSafeComponent(name) else { return (.symlink(.leavesRoot), nil) }
        do {
            let fd = try openBeneath(parent.appending(name), DRYDOCK_O_PATH)
            defer { close(fd) }
            var target = Glibc.stat()
            guard fstat(fd, &target) == 0 else { return (.symlink(.dangling), nil) }
            let kind = FilesystemDriver.kind(ofMode: target.st_mode)
            guard kind == .directory else { return (kind, nil) }
            guard followSymlinks else { return (.symlink(.folderNotFollowed), nil) }
            return (.directory, "\(target.st_dev):\(target.st_ino)")
        } catch {
            switch DriverError(error) {
            case .notFound: return (.symlink(.dangling), nil)
            case .symlink(_, .notFollowable): return (.symlink(.notFollowable), nil)
            default: return (.symlink(.leavesRoot), nil)
            }
        }
    }

    public func stat(_ path: StoragePath) async throws -> FileInfo {
        let fd = try openBeneath(path, DRYDOCK_O_PATH)
        defer { close(fd) }
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0 else { throw FilesystemDriver.mapErrno(errno, path) }
        let mtime = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        return FileInfo(kind: FilesystemDriver.kind(ofMode: st.st_mode), size: Int64(st.st_size), modified: mtime)
    }

    /// Opens a regular file for reading without ever blocking on a FIFO or device.
    private func openRegular(_ path: StoragePath) throws -> (fd: Int32, size: Int64) {
        try regular(openBeneath(path, O_RDONLY | O_NONBLOCK | O_NOCTTY), path)
    }

    /// The size of the file open as `fd`, or (closing it) why it is not a regular file.
    private func regular(_ fd: Int32, _ path: @autoclosure () -> StoragePath) throws -> (fd: Int32, size: Int64) {
        var st = Glibc.stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw FilesystemDriver.mapErrno(e, path())
        }
        let kind = FilesystemDriver.kind(ofMode: st.st_mode)
        guard kind == .file else {
            close(fd)
            throw DriverError.notARegularFile(path(), kind)
        }
        return (fd, Int64(st.st_size))
    }

    public func read(_ path: StoragePath, limit: Int) async throws -> [UInt8] {
        try readSync(path, limit: limit)
    }

    func readSync(_ path: StoragePath, limit: Int) throws -> [UInt8] {
        let (fd, size) = try openRegular(path)
        return try readOpened(fd, size: size, path, limit: limit)
    }

    /// Small files under one folder, opened relative to it (`openat2(RESOLVE_BENEATH)` from the folder, itself opened
    /// beneath the root): a link's path walk is `<hex>/link`, not the nine components from the store root. Whatever
    /// does not open that way (a missing file, a symlink that leaves the folder but maybe not the store) is read again
    /// from the root, so results, errors and symlink rules are exactly `read`'s.
    public func readEach(in dir: StoragePath, _ names: [[String]], limit: Int) async -> [Result<[UInt8], DriverError>] {
        eachBeneath(dir, names, flags: O_RDONLY | O_NONBLOCK | O_NOCTTY, fromRoot: { try readSync($0, limit: limit) }) { fd, path in
            let (fd, size) = try regular(fd, path())
            return try readOpened(fd, size: size, path(), limit: limit)
        }
    }

    /// Reads the regular file open as `fd` (closing it), refusing more than `limit` bytes.
    private func readOpened(_ fd: Int32, size: Int64, _ path: @autoclosure () -> StoragePath, limit: Int) throws -> [UInt8] {
        defer { close(fd) }
        guard size <= Int64(limit) else { throw DriverError.tooLarge(path(), size: size, limit: Int64(limit)) }
        // Read one byte past the limit to notice a file that grew since fstat.
        let capacity = Int(size) + 1  // size <= limit here, so this cannot overflow
        var out = [UInt8](repeating: 0, count: capacity)
        var filled = 0
        while filled < out.count {
            let wanted = out.count - filled
            let n = out.withUnsafeMutableBytes { buf in
                Glibc.read(fd, buf.baseAddress! + filled, wanted)
            }
            if n < 0 {
                if errno == EINTR { continue }
                throw FilesystemDriver.mapErrno(errno, path())
            }
            if n == 0 { break }
            filled += n
            // A short read once the stat'ed size is in is the end of a regular file: no second read to see 0 bytes
            // (one system call per file saved; short reads before that point are read on).
            if n < wanted && filled >= Int(size) { break }
            if filled == out.count && filled <= limit { out.append(contentsOf: repeatElement(0, count: 4096)) }
        }
        guard filled <= limit else { throw DriverError.tooLarge(path(), size: Int64(filled), limit: Int64(limit)) }
        out.removeSubrange(filled...)
        return out
    }

    public func readChunks(
        _ path: StoragePath, chunkSize: Int, _ body: (UnsafeRawBufferPointer) throws -> Void
    ) async throws {
        let (fd, _) = try openRegular(path)
        defer { close(fd) }
        #if os(Linux)
        _ = posix_fadvise(fd, 0, 0, Int32(POSIX_FADV_SEQUENTIAL))
        #endif
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(chunkSize, 4096), alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = Glibc.read(fd, buffer.baseAddress!, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw FilesystemDriver.mapErrno(errno, path)
            }
            if n == 0 { return }
            do {
                try body(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            } catch {
                let error = DriverError(error)
                throw DriverError.io(path, "\(error)")
            }
        }
    }

    public func walkFiles(_ path: StoragePath) async throws -> [WalkedFile] {
        var out: [WalkedFile] = []
        var stack = [path]
        var first = true
        var linkedFolders = Set<String>()
        while let dir = stack.popLast() {
            let entries: [DirectoryEntry]
            do {
                entries = try listSync(dir)
            } catch {
                let error = DriverError(error)
                // The top folder missing is the caller's business; a sub-folder vanishing mid-walk is skipped.
                if first || !error.isNotFound { throw error }
                continue
            }
            first = false
            for e in entries {
                guard e.nameIsValidUTF8, StoragePath.isSafeComponent(e.name) else {
                    out.append(WalkedFile(path: dir.appending("?"), kind: .special("unreadable name"), size: 0))
                    continue
                }
                let p = dir.appending(e.name)
                if e.kind == .directory {
                    // A folder reached through a link is walked once; seeing it again means a loop.
                    if let id = e.linkedFolderIdentity, !linkedFolders.insert(id).inserted {
                        out.append(WalkedFile(path: p, kind: .symlink(.loop), size: -1))
                        continue
                    }
                    stack.append(p)
                } else {
                    out.append(WalkedFile(path: p, kind: e.kind, size: -1))
                }
            }
        }
        return out
    }

    /// Creates every folder of `path`, each opened beneath the root (a symlinked folder cannot lead outside).
    private func makeFolders(_ path: StoragePath) throws {
        var dir = StoragePath.root
        for c in path.components {
            dir = dir.appending(c)
            let parentFD = try openFolderForChange(dir.parent)
            let r = mkdirat(parentFD, c, 0o755)
            let e = errno
            close(parentFD)
            if r != 0 && e != EEXIST { throw FilesystemDriver.mapErrno(e, dir) }
        }
    }

    public func write(_ path: StoragePath, contents: [UInt8]) async throws {
        guard let name = path.lastComponent else { throw DriverError.io(path, "cannot write the store root") }
        try makeFolders(path.parent)
        let dirFD = try openFolderForChange(path.parent)
        defer { close(dirFD) }
        let temp = ".\(name).drydock-tmp"
        let fd = openat(dirFD, temp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw FilesystemDriver.mapErrno(errno, path) }
        var written = 0
        while written < contents.count {
            let n = contents.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = errno
                close(fd)
                unlinkat(dirFD, temp, 0)
                throw FilesystemDriver.mapErrno(e, path)
            }
            written += n
        }
        fsync(fd)
        close(fd)
        guard renameat(dirFD, temp, dirFD, name) == 0 else {
            let e = errno
            unlinkat(dirFD, temp, 0)
            throw FilesystemDriver.mapErrno(e, path)
        }
    }

    /// One `renameat2(RENAME_NOREPLACE)` between two folders opened beneath the root: atomic, never replaces the
    /// destination, keeps the file's mtime (the grace and quarantine clocks stay honest). A file the registry writes
    /// at `source` meanwhile is either moved whole or not at all. Where the kernel or filesystem lacks
    /// RENAME_NOREPLACE, `linkat` (which refuses an existing name too) then `unlinkat` of the source.
    public func move(_ source: StoragePath, to destination: StoragePath) async throws {
        guard let name = source.lastComponent else { throw DriverError.io(source, "refusing to move the store root") }
        guard let newName = destination.lastComponent else { throw DriverError.io(destination, "cannot move onto the store root") }
        let info = try await stat(source)
        guard info.kind == .file else { throw DriverError.notARegularFile(source, info.kind) }
        try makeFolders(destination.parent)
        let fromFD = try openFolderForChange(source.parent)
        defer { close(fromFD) }
        let toFD = try openFolderForChange(destination.parent)
        defer { close(toFD) }
        if drydock_rename_noreplace(fromFD, name, toFD, newName) == 0 { return }
        let e = errno
        if e == EEXIST { throw DriverError.alreadyExists(destination) }
        guard e == ENOSYS || e == EINVAL else { throw FilesystemDriver.mapErrno(e, source) }
        guard linkat(fromFD, name, toFD, newName, 0) == 0 else {
            if errno == EEXIST { throw DriverError.alreadyExists(destination) }
            throw FilesystemDriver.mapErrno(errno, source)
        }
        if unlinkat(fromFD, name, 0) != 0 && errno != ENOENT { throw FilesystemDriver.mapErrno(errno, source) }
    }

    public func delete(_ path: StoragePath) async throws {
        guard let name = path.lastComponent else { throw DriverError.io(path, "refusing to delete the store root") }
        let parentFD: Int32
        do {
            parentFD = try openFolderForChange(path.parent)
        } catch {
            let error = DriverError(error)
            if error.isNotFound { return }
            throw error
        }
        defer { close(parentFD) }
        try removeTree(parentFD: parentFD, name: Array(name.utf8CString), path: path)
    }

    /// Removes `name` inside the directory `parentFD`, recursing with *at() calls so symlinks are unlinked, never followed.
    /// Names are kept as raw bytes (NUL-terminated), so entries whose names are not UTF-8 are removed too.
    private func removeTree(parentFD: Int32, name: [CChar], path: StoragePath) throws {
        var st = Glibc.stat()
        if fstatat(parentFD, name, &st, AT_SYMLINK_NOFOLLOW) != 0 {
            if errno == ENOENT { return }
            throw FilesystemDriver.mapErrno(errno, path)
        }
        if st.st_mode & S_IFMT == S_IFDIR {
            let fd = openat(parentFD, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
            guard fd >= 0 else { throw FilesystemDriver.mapErrno(errno, path) }
            guard let dir = fdopendir(fd) else {
                close(fd)
                throw FilesystemDriver.mapErrno(errno, path)
            }
            var children: [[CChar]] = []
            while let ent = readdir(dir) {
                let child: [CChar] = withUnsafePointer(to: &ent.pointee.d_name) {
                    $0.withMemoryRebound(to: CChar.self, capacity: 256) { p in Array(UnsafeBufferPointer(start: p, count: strlen(p) + 1)) }
                }
                if child != [0x2E, 0] && child != [0x2E, 0x2E, 0] { children.append(child) }
            }
            do {
                for child in children {
                    let display = String(decoding: child.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
                    try removeTree(parentFD: dirfd(dir), name: child, path: path.appending(safeOrPlaceholder(display)))
                }
            } catch {
                let error = DriverError(error)
                closedir(dir)
                throw error
            }
            closedir(dir)
            if unlinkat(parentFD, name, AT_REMOVEDIR) != 0 && errno != ENOENT {
                throw FilesystemDriver.mapErrno(errno, path)
            }
        } else if unlinkat(parentFD, name, 0) != 0 && errno != ENOENT {
            throw FilesystemDriver.mapErrno(errno, path)
        }
    }

    private func safeOrPlaceholder(_ s: String) -> String { StoragePath.isSafeComponent(s) ? s : "?" }
}

/// A name from a folder listing that `FilesystemDriver.foldersWithEntry` may look into.
protocol ListedFolder {
    /// The entry as `list` gives it.
    var listedEntry: DirectoryEntry { get }
    /// `body` with `<folder>/<name>` as a C string when this is a real folder named by one component; nil otherwise.
    func withEntryPath<T>(_ name: String, _ body: (UnsafePointer<CChar>) -> T) -> T?
}

extension DirectoryEntry: ListedFolder {
    var listedEntry: DirectoryEntry { self }

    func withEntryPath<T>(_ name: String, _ body: (UnsafePointer<CChar>) -> T) -> T? {
        guard kind == .directory, nameIsValidUTF8, StoragePath.isSafeComponent(self.name) else { return nil }
        var folder = self.name
        return folder.withUTF8 { FilesystemDriver.withEntryPath($0, name, body) }
    }
}

extension DigestFolderName: ListedFolder {
    var listedEntry: DirectoryEntry { entry }

    func withEntryPath<T>(_ name: String, _ body: (UnsafePointer<CChar>) -> T) -> T? {
        switch self {
        case .sha256(let d): d.withHexBytes { FilesystemDriver.withEntryPath($0, name, body) }
        case .entry(let e): e.withEntryPath(name, body)
        }
    }
}
