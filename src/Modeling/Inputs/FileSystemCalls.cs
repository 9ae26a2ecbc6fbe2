using System.Runtime.InteropServices;

namespace AutoDesign.Modeling.Inputs;

/// <summary>The two POSIX calls .NET does not offer: a path with every symbolic link resolved, and a file's type.</summary>
internal static class FileSystemCalls
{
    public enum FileType { Missing, Regular, Directory, Other }

    /// <summary>The canonical path (links and dot segments resolved), or null when it does not exist or cannot be reached.</summary>
    public static string? RealPath(string path)
    {
        IntPtr resolved = realpath(path, IntPtr.Zero);
        if (resolved == IntPtr.Zero) return null;
        try { return Marshal.PtrToStringUTF8(resolved); }
        finally { free(resolved); }
    }

    /// <summary>What the path names once links are followed: statx's stx_mode (offset 28 in a layout that is the same on every architecture).</summary>
    public static FileType TypeOf(string path, out long size)
    {
        var buffer = new byte[256];
        size = 0;
        if (statx(AtCurrentDirectory, path, 0, StatxType | StatxSize, buffer) != 0) return FileType.Missing;
        int mode = BitConverter.ToUInt16(buffer, 28) & TypeMask;
        size = BitConverter.ToInt64(buffer, 40);
        return mode switch { RegularMode => FileType.Regular, DirectoryMode => FileType.Directory, _ => FileType.Other };
    }

    private const int AtCurrentDirectory = -100, TypeMask = 0xF000, RegularMode = 0x8000, DirectoryMode = 0x4000;
    private const uint StatxType = 0x1, StatxSize = 0x200;

#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe code enabled for these two calls
    [DllImport("libc", SetLastError = true)]
    private static extern IntPtr realpath([MarshalAs(UnmanagedType.LPUTF8Str)] string path, IntPtr resolved);

    [DllImport("libc")]
    private static extern void free(IntPtr pointer);

    [DllImport("libc", SetLastError = true)]
    private static extern int statx(int directory, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, [Out] byte[] buffer);
#pragma warning restore SYSLIB1054
}
