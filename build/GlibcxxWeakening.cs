#nullable enable
// Debian 12 ships GCC 12's libstdc++ (up to GLIBCXX_3.4.30), but TorchSharp-cpu's
// libLibTorchSharp.so asks for GLIBCXX_3.4.32. That requirement comes from a single
// symbol (std::ios_base_library_init) that GCC 13 references from <iostream> only to
// force its own initialisation; no relocation binds it. Marking that one version
// requirement weak (VER_FLG_WEAK in its Elf64_Vernaux entry) lets the loader accept
// the older libstdc++, and nothing else in the file has to change.
//
// This file is compiled twice: into the MSBuild task that patches build outputs
// (Directory.Build.targets) and, with GLIBCXX_WEAKENING_NO_TASK defined, into the
// tests that check the patched library.
using System;
using System.IO;
using System.Text;

namespace AutoDesign.Build
{
    public static class GlibcxxWeakening
    {
        public const string MissingVersion = "GLIBCXX_3.4.32";
        private const uint ShtGnuVerneed = 0x6ffffffe;
        private const ushort VerFlgWeak = 0x2;

        /// <summary>The libstdc++ the dynamic loader would pick, or null when none is found.</summary>
        public static string? FindHostLibstdcxx()
        {
            string[] candidates =
            {
                "/usr/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib/aarch64-linux-gnu/libstdc++.so.6",
                "/lib/x86_64-linux-gnu/libstdc++.so.6",
                "/usr/lib64/libstdc++.so.6",
                "/usr/lib/libstdc++.so.6",
            };
            foreach (var path in candidates)
                if (File.Exists(path)) return path;
            return null;
        }

        /// <summary>True when the host's libstdc++ defines <see cref="MissingVersion"/> itself.</summary>
        public static bool HostProvides(string libstdcxxPath)
        {
            var bytes = File.ReadAllBytes(libstdcxxPath);
            var needle = Encoding.ASCII.GetBytes(MissingVersion + "\0");
            return IndexOf(bytes, needle) >= 0;
        }

        /// <summary>
        /// Finds the version requirement named <paramref name="version"/> in the ELF file's
        /// .gnu.version_r section. Returns the file offset of its vna_flags field, or -1.
        /// </summary>
        public static long FindVernauxFlagsOffset(byte[] elf, string version)
        {
            if (elf.Length < 64 || elf[0] != 0x7f || elf[1] != (byte)'E' || elf[2] != (byte)'L' || elf[3] != (byte)'F')
                throw new InvalidDataException("not an ELF file");
            if (elf[4] != 2 || elf[5] != 1)
                throw new InvalidDataException("only 64-bit little-endian ELF files are supported");

            long sectionHeaders = (long)BitConverter.ToUInt64(elf, 0x28);
            int entrySize = BitConverter.ToUInt16(elf, 0x3A);
            int count = BitConverter.ToUInt16(elf, 0x3C);
            for (int i = 0; i < count; i++)
            {
                long header = sectionHeaders + (long)i * entrySize;
                if (BitConverter.ToUInt32(elf, (int)header + 4) != ShtGnuVerneed) continue;

                long offset = (long)BitConverter.ToUInt64(elf, (int)header + 0x18);
                int stringSection = (int)BitConverter.ToUInt32(elf, (int)header + 0x28);
                int needCount = (int)BitConverter.ToUInt32(elf, (int)header + 0x2C);
                long strings = (long)BitConverter.ToUInt64(elf, (int)(sectionHeaders + (long)stringSection * entrySize + 0x18));

                long need = offset;
                for (int n = 0; n < needCount; n++)
                {
                    int auxCount = BitConverter.ToUInt16(elf, (int)need + 2);
                    long aux = need + BitConverter.ToUInt32(elf, (int)need + 8);
                    for (int a = 0; a < auxCount; a++)
                    {
                        uint name = BitConverter.ToUInt32(elf, (int)aux + 8);
                        if (ReadString(elf, strings + name) == version) return aux + 4;
                        aux += BitConverter.ToUInt32(elf, (int)aux + 12);
                    }
                    need += BitConverter.ToUInt32(elf, (int)need + 12);
                }
            }
            return -1;
        }

        public static bool IsWeak(byte[] elf, string version)
        {
            long flags = FindVernauxFlagsOffset(elf, version);
            return flags >= 0 && (BitConverter.ToUInt16(elf, (int)flags) & VerFlgWeak) != 0;
        }

        /// <summary>
        /// Marks the requirement weak. The patched bytes go to a new file that replaces the old one, so an output
        /// that is a hard link into the NuGet cache is unlinked rather than changing the cache's copy.
        /// Returns false when there was nothing to do.
        /// </summary>
        public static bool Weaken(string path, string version)
        {
            var elf = File.ReadAllBytes(path);
            long flags = FindVernauxFlagsOffset(elf, version);
            if (flags < 0) return false;
            ushort value = BitConverter.ToUInt16(elf, (int)flags);
            if ((value & VerFlgWeak) != 0) return false;
            value |= VerFlgWeak;
            BitConverter.GetBytes(value).CopyTo(elf, (int)flags);
            string patched = path + ".weakened";
            File.WriteAllBytes(patched, elf);
            File.Replace(patched, path, null);
            return true;
        }

        private static string ReadString(byte[] bytes, long start)
        {
            long end = start;
            while (end < bytes.Length && bytes[end] != 0) end++;
            return Encoding.ASCII.GetString(bytes, (int)start, (int)(end - start));
        }

        private static int IndexOf(byte[] haystack, byte[] needle)
        {
            for (int i = 0; i <= haystack.Length - needle.Length; i++)
            {
                int j = 0;
                while (j < needle.Length && haystack[i + j] == needle[j]) j++;
                if (j == needle.Length) return i;
            }
            return -1;
        }
    }

#if !GLIBCXX_WEAKENING_NO_TASK
    /// <summary>MSBuild task: weakens the GLIBCXX_3.4.32 requirement of the given libraries when the host lacks it.</summary>
    public sealed class WeakenGlibcxxRequirement : Microsoft.Build.Utilities.Task
    {
        [Microsoft.Build.Framework.Required]
        public string[] Libraries { get; set; } = Array.Empty<string>();

        public override bool Execute()
        {
            var host = GlibcxxWeakening.FindHostLibstdcxx();
            if (host is null || GlibcxxWeakening.HostProvides(host)) return true;
            foreach (var library in Libraries)
            {
                if (!File.Exists(library)) continue;
                if (GlibcxxWeakening.Weaken(library, GlibcxxWeakening.MissingVersion))
                    Log.LogMessage(Microsoft.Build.Framework.MessageImportance.High,
                        $"Weakened {GlibcxxWeakening.MissingVersion} requirement of {library} ({host} lacks it)");
            }
            return true;
        }
    }
#endif
}
